/// `gallery.delete`: remove images, their files and thumbnails.
public enum GalleryDelete: RPCMethod {
    public static let method = "gallery.delete"
    public static let summary = "Delete images: catalog rows, originals and thumbnails together."
    public static let details = """
        All ids must exist or nothing changes (-32001). Rows are removed first, then files; a generation whose last \
        image goes is removed too. Not undoable.
        """

    public struct Params: Codable, Sendable, Equatable {
        public var ids: [String]
        public init(ids: [String]) { self.ids = ids }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var deleted: [String]
        public var generationsDeleted: [String]
        public var filesRemoved: Int
        public init(deleted: [String], generationsDeleted: [String], filesRemoved: Int) {
            self.deleted = deleted
            self.generationsDeleted = generationsDeleted
            self.filesRemoved = filesRemoved
        }
    }

    public static let params: [Schema.Property] = [
        .init("ids", .array(.string("image id"), "images to delete", maxItems: 10_000), required: true),
    ]
    public static let result = Schema.object([
        .init("deleted", .array(.string("image id")), required: true),
        .init("generationsDeleted", .array(.string("generation id")), required: true),
        .init("filesRemoved", .integer("originals and thumbnails removed", minimum: 0), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(ids: ["img_01J0000000000000000000000"])
    public static let exampleResult = Result(deleted: ["img_01J0000000000000000000000"], generationsDeleted: [], filesRemoved: 2)
}
