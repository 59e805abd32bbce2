/// `gallery.favorite`: mark or unmark images as favorites.
public enum GalleryFavorite: RPCMethod {
    public static let method = "gallery.favorite"
    public static let summary = "Mark images as favorites (or unmark with favorite: false). Favorites never expire."
    public static let details = "All ids must exist or nothing changes (-32001)."

    public struct Params: Codable, Sendable, Equatable {
        public var ids: [String]
        /// Default true.
        public var favorite: Bool?
        public init(ids: [String], favorite: Bool? = nil) {
            self.ids = ids
            self.favorite = favorite
        }
    }

    public typealias Result = GalleryUpdated

    public static let params: [Schema.Property] = [
        .init("ids", .array(.string("image id"), "images", maxItems: 10_000), required: true),
        .init("favorite", .boolean("default true")),
    ]
    public static let result = GalleryUpdated.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(ids: ["img_01J0000000000000000000000"])
    public static let exampleResult = GalleryUpdated(updated: 1)
}
