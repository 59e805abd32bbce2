/// `gallery.retention`: remove old history (or show what would go).
public enum GalleryRetention: RPCMethod {
    public static let method = "gallery.retention"
    public static let summary = "Remove generations older than an age with their files, except favorites, pinned images and images in a collection."
    public static let details = """
        Default age: the `gallery.retentionDays` setting, else 90 days. A generation is kept whole when any of its \
        images is a favorite, pinned or in a collection. Plain imports (no generation) are never removed. With \
        `dryRun` nothing changes and the result lists what would go. The daemon also runs this once a day.
        """

    public struct Params: Codable, Sendable, Equatable {
        public var olderThanDays: Int?
        public var dryRun: Bool?
        public init(olderThanDays: Int? = nil, dryRun: Bool? = nil) {
            self.olderThanDays = olderThanDays
            self.dryRun = dryRun
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Generations created before this (ms since the epoch) were candidates.
        public var cutoff: Int64
        public var generationIds: [String]
        public var imageIds: [String]
        /// Files removed (or that would be).
        public var files: Int
        /// Bytes of those files (originals and thumbnails) on disk.
        public var bytes: Int64
        public var dryRun: Bool

        public init(cutoff: Int64, generationIds: [String], imageIds: [String], files: Int, bytes: Int64, dryRun: Bool) {
            self.cutoff = cutoff
            self.generationIds = generationIds
            self.imageIds = imageIds
            self.files = files
            self.bytes = bytes
            self.dryRun = dryRun
        }
    }

    public static let params: [Schema.Property] = [
        .init("olderThanDays", .integer("age limit in days (default: setting or 90)", minimum: 0, maximum: 36_500)),
        .init("dryRun", .boolean("only report (default false)")),
    ]
    public static let result = Schema.object([
        .init("cutoff", .integer("ms since the epoch"), required: true),
        .init("generationIds", .array(.string()), required: true),
        .init("imageIds", .array(.string()), required: true),
        .init("files", .integer("files removed or to remove", minimum: 0), required: true),
        .init("bytes", .integer("bytes of those files (originals and thumbnails)", minimum: 0), required: true),
        .init("dryRun", .boolean(), required: true),
    ])
    public static let exampleParams = Params(olderThanDays: 30, dryRun: true)
    public static let exampleResult = Result(cutoff: 1_767_225_600_000, generationIds: [], imageIds: [], files: 0, bytes: 0, dryRun: true)
}
