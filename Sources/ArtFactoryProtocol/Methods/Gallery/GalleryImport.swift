/// `gallery.import`: copy image files into the gallery and record them in the catalog.
public enum GalleryImport: RPCMethod {
    public static let method = "gallery.import"
    public static let summary = "Import image files (or every image in folders) into the gallery."
    public static let details = """
        Paths must be absolute and lie under your home or the temporary directory (symbolic links are resolved \
        first). Folders are scanned recursively for .png, .jpg, .jpeg and .webp files. Every file is validated \
        (format, size and pixel limits, complete data) before anything is stored: unless `skipInvalid` is true, \
        one bad file fails the call with -32006 and nothing changes. PNG metadata from ArtFactory, AUTOMATIC1111, \
        ComfyUI and InvokeAI becomes a generation record (prompt, parameters, model, seed). A file whose SHA-256 \
        matches an image already stored is linked to it (tags added), not copied twice. `strip` removes EXIF and \
        other private chunks from the stored copy. Progress: `job.progress` notifications on the `job` topic with \
        `{importId, done, total}`. Both cores are used.
        """

    public struct Params: Codable, Sendable, Equatable {
        /// Files and/or folders (absolute).
        public var paths: [String]
        /// Project for the new images.
        public var projectId: String?
        /// Tags for every imported image.
        public var tags: [String]?
        /// Remove EXIF and private chunks from the stored copies.
        public var strip: Bool?
        /// Import the valid files and report the others instead of failing the call.
        public var skipInvalid: Bool?

        public init(paths: [String], projectId: String? = nil, tags: [String]? = nil, strip: Bool? = nil, skipInvalid: Bool? = nil) {
            self.paths = paths
            self.projectId = projectId
            self.tags = tags
            self.strip = strip
            self.skipInvalid = skipInvalid
        }
    }

    /// What happened to one file.
    public struct Item: Codable, Sendable, Equatable {
        /// The source file.
        public var path: String
        /// `imported`, `duplicate` (linked to an existing image) or `failed`.
        public var status: String
        /// The gallery image id (imported or the existing duplicate).
        public var id: String?
        /// Why the file was not imported.
        public var error: String?

        public init(path: String, status: String, id: String? = nil, error: String? = nil) {
            self.path = path
            self.status = status
            self.id = id
            self.error = error
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Correlates `job.progress` notifications with this call.
        public var importId: String
        public var imported: Int
        public var duplicates: Int
        public var failed: Int
        /// One entry per file, in the order found.
        public var items: [Item]

        public init(importId: String, imported: Int, duplicates: Int, failed: Int, items: [Item]) {
            self.importId = importId
            self.imported = imported
            self.duplicates = duplicates
            self.failed = failed
            self.items = items
        }
    }

    public static let params: [Schema.Property] = [
        .init("paths", .array(.string("absolute file or folder path"), "what to import", maxItems: 100_000), required: true),
        .init("projectId", .string("project for the new images")),
        .init("tags", .array(.string("tag name"), "tags for every imported image", maxItems: 100)),
        .init("strip", .boolean("remove EXIF and private chunks from the stored copies (default false)")),
        .init("skipInvalid", .boolean("import valid files and report the rest instead of failing (default false)")),
    ]
    public static let result = Schema.object([
        .init("importId", .string("id used in job.progress notifications"), required: true),
        .init("imported", .integer("new images", minimum: 0), required: true),
        .init("duplicates", .integer("files identical to stored images (linked)", minimum: 0), required: true),
        .init("failed", .integer("files not imported", minimum: 0), required: true),
        .init("items", .array(.object([
            .init("path", .string(), required: true),
            .init("status", .enumeration(["imported", "duplicate", "failed"]), required: true),
            .init("id", .string("gallery image id")),
            .init("error", .string("why it failed")),
        ])), required: true),
    ])
    public static let errors = [RPCErrorCode.pathNotAllowed, RPCErrorCode.invalidFile, RPCErrorCode.notFound, RPCErrorCode.limitExceeded]
    public static let exampleParams = Params(paths: ["/home/me/Pictures/sd"], tags: ["imported"])
    public static let exampleResult = Result(importId: "imp_01J0000000000000000000000", imported: 1, duplicates: 0, failed: 0,
                                             items: [Item(path: "/home/me/Pictures/sd/a.png", status: "imported", id: "img_01J0000000000000000000000")])
}
