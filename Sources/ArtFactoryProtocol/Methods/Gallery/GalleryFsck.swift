/// `gallery.fsck`: compare the catalog with the files on disk and optionally repair the drift.
public enum GalleryFsck: RPCMethod {
    public static let method = "gallery.fsck"
    public static let summary = "Check that every image row has its file and thumbnail, and every gallery file has a row."
    public static let details = """
        Reports: rows whose original is missing, rows whose thumbnail is missing, files whose SHA-256 no longer \
        matches the row (only with `verifyHashes`, which reads every file), and orphan files (in gallery/ or \
        thumbnails/ with no row). With `repair`: rows of missing originals are deleted, thumbnails are rebuilt, \
        recorded hashes and sizes are updated to the files' current ones, and orphan files are deleted. Slow on \
        large galleries: it lists every file.
        """

    public struct Params: Codable, Sendable, Equatable {
        public var repair: Bool?
        public var verifyHashes: Bool?
        public init(repair: Bool? = nil, verifyHashes: Bool? = nil) {
            self.repair = repair
            self.verifyHashes = verifyHashes
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Rows examined.
        public var checked: Int
        /// Image ids whose original file is missing.
        public var missingFiles: [String]
        /// Image ids whose thumbnail is missing.
        public var missingThumbnails: [String]
        /// Image ids whose file no longer matches its recorded SHA-256 (with verifyHashes).
        public var wrongHashes: [String]
        /// Absolute paths of files no row refers to.
        public var orphanFiles: [String]
        /// Whether repairs were made.
        public var repaired: Bool
        /// `true` when nothing was found.
        public var clean: Bool

        public init(checked: Int, missingFiles: [String], missingThumbnails: [String], wrongHashes: [String],
                    orphanFiles: [String], repaired: Bool) {
            self.checked = checked
            self.missingFiles = missingFiles
            self.missingThumbnails = missingThumbnails
            self.wrongHashes = wrongHashes
            self.orphanFiles = orphanFiles
            self.repaired = repaired
            clean = missingFiles.isEmpty && missingThumbnails.isEmpty && wrongHashes.isEmpty && orphanFiles.isEmpty
        }
    }

    public static let params: [Schema.Property] = [
        .init("repair", .boolean("fix what is found (default false: report only)")),
        .init("verifyHashes", .boolean("re-hash every file (default false)")),
    ]
    public static let result = Schema.object([
        .init("checked", .integer("rows examined", minimum: 0), required: true),
        .init("missingFiles", .array(.string("image id")), required: true),
        .init("missingThumbnails", .array(.string("image id")), required: true),
        .init("wrongHashes", .array(.string("image id")), required: true),
        .init("orphanFiles", .array(.string("absolute path")), required: true),
        .init("repaired", .boolean("repairs were made"), required: true),
        .init("clean", .boolean("no drift found"), required: true),
    ])
    public static let errors = [RPCErrorCode.unavailable]
    public static let exampleParams = Params(repair: false, verifyHashes: true)
    public static let exampleResult = Result(checked: 120, missingFiles: [], missingThumbnails: [], wrongHashes: [], orphanFiles: [], repaired: false)
}
