/// `gallery.pin`: keep images from retention (or release them with pinned: false).
public enum GalleryPin: RPCMethod {
    public static let method = "gallery.pin"
    public static let summary = "Pin images so retention never removes them (or unpin with pinned: false)."
    public static let details = """
        A generation is kept whole by gallery.retention when any of its images is pinned, a favorite or in a \
        collection. All ids must exist or nothing changes (-32001).
        """

    public struct Params: Codable, Sendable, Equatable {
        public var ids: [String]
        /// Default true.
        public var pinned: Bool?
        public init(ids: [String], pinned: Bool? = nil) {
            self.ids = ids
            self.pinned = pinned
        }
    }

    public typealias Result = GalleryUpdated

    public static let params: [Schema.Property] = [
        .init("ids", .array(.string("image id"), "images", maxItems: 10_000), required: true),
        .init("pinned", .boolean("default true")),
    ]
    public static let result = GalleryUpdated.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(ids: ["img_01J0000000000000000000000"])
    public static let exampleResult = GalleryUpdated(updated: 1)
}
