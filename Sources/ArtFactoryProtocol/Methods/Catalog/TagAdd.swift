/// `tag.add`: tag images (tags are created when missing; names are case-insensitive).
public enum TagAdd: RPCMethod {
    public static let method = "tag.add"
    public static let summary = "Add tags to images; missing tags are created (names are case-insensitive)."
    public static let details = "All ids must exist or nothing changes (-32001)."

    public struct Params: Codable, Sendable, Equatable {
        public var ids: [String]
        public var tags: [String]
        public init(ids: [String], tags: [String]) {
            self.ids = ids
            self.tags = tags
        }
    }

    public typealias Result = GalleryUpdated

    public static let params: [Schema.Property] = [
        .init("ids", .array(.string("image id"), "images", maxItems: 10_000), required: true),
        .init("tags", .array(.string("tag name", maxLength: 100), "tags", maxItems: 100), required: true),
    ]
    public static let result = GalleryUpdated.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(ids: ["img_01J0000000000000000000000"], tags: ["fox", "winter"])
    public static let exampleResult = GalleryUpdated(updated: 1)
}
