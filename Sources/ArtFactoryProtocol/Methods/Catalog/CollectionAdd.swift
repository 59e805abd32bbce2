/// `collection.add`: put images in a collection.
public enum CollectionAdd: RPCMethod {
    public static let method = "collection.add"
    public static let summary = "Add images to a collection (already-present images are left alone)."
    public static let details = "The collection and all ids must exist or nothing changes (-32001)."

    public struct Params: Codable, Sendable, Equatable {
        public var collectionId: String
        public var ids: [String]
        public init(collectionId: String, ids: [String]) {
            self.collectionId = collectionId
            self.ids = ids
        }
    }

    public typealias Result = GalleryUpdated

    public static let params: [Schema.Property] = [
        .init("collectionId", .string("collection id"), required: true),
        .init("ids", .array(.string("image id"), "images", maxItems: 10_000), required: true),
    ]
    public static let result = GalleryUpdated.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(collectionId: "col_01J0000000000000000000000", ids: ["img_01J0000000000000000000000"])
    public static let exampleResult = GalleryUpdated(updated: 1)
}
