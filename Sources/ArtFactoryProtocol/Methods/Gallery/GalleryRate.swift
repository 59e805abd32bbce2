/// `gallery.rate`: set the rating (0-5) and optionally the approval of images.
public enum GalleryRate: RPCMethod {
    public static let method = "gallery.rate"
    public static let summary = "Rate images 0-5 (0 clears); ratings feed sorting and later suggestions."
    public static let details = "All ids must exist or nothing changes (-32001); a rating outside 0-5 is -32602."

    public struct Params: Codable, Sendable, Equatable {
        public var ids: [String]
        public var rating: Int
        public init(ids: [String], rating: Int) {
            self.ids = ids
            self.rating = rating
        }
    }

    public typealias Result = GalleryUpdated

    public static let params: [Schema.Property] = [
        .init("ids", .array(.string("image id"), "images", maxItems: 10_000), required: true),
        .init("rating", .integer("0 (unrated) to 5", minimum: 0, maximum: 5), required: true),
    ]
    public static let result = GalleryUpdated.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(ids: ["img_01J0000000000000000000000"], rating: 4)
    public static let exampleResult = GalleryUpdated(updated: 1)
}
