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
        other private chunks from the stored copy.

        The import is a job (kind `import`) on the file lane, beside the engine's queue, so generation is not held \
        up: the call checks the paths and the project, queues the job and returns it at once (`job.get`, \
        `job.cancel`, `job.state` and `job.progress` with `done`/`total` files and an ETA, on the `job` topic). \
        With `wait` true the call returns the finished job instead, or the job's error (same code and message). \
        The outcome (counts and one item per file) is the job's `importResult`. A canceled import keeps the \
        images stored so far, each whole; a daemon crash re-queues it and the rerun links what was already \
        stored (by SHA-256) instead of copying it twice. Both cores are used.
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
        /// Block until the job finished and return it (default false: return the queued job at once).
        public var wait: Bool?

        public init(paths: [String], projectId: String? = nil, tags: [String]? = nil, strip: Bool? = nil, skipInvalid: Bool? = nil,
                    wait: Bool? = nil) {
            self.paths = paths
            self.projectId = projectId
            self.tags = tags
            self.strip = strip
            self.skipInvalid = skipInvalid
            self.wait = wait
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

    /// What an import did: the job's `importResult`.
    public struct Outcome: Codable, Sendable, Equatable {
        public var imported: Int
        public var duplicates: Int
        public var failed: Int
        /// One entry per file, in the order found.
        public var items: [Item]

        public init(imported: Int, duplicates: Int, failed: Int, items: [Item]) {
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
        .init("wait", .boolean("return the finished job instead of the queued one (default false)")),
    ]
    /// The job (queued, or finished with `wait`).
    public typealias Result = JobInfo
    public static let result = JobInfo.schema
    /// The schema of ``Outcome`` (the job's `importResult`).
    public static let outcomeSchema = Schema.object([
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
    public static let exampleParams = Params(paths: ["/home/me/Pictures/sd"], tags: ["imported"], wait: true)
    static let exampleOutcome = Outcome(imported: 1, duplicates: 0, failed: 0,
                                        items: [Item(path: "/home/me/Pictures/sd/a.png", status: "imported", id: "img_01J0000000000000000000000")])
    public static let exampleResult: JobInfo = {
        var job = JobInfo(id: "job_01J0000000000000000000000", kind: "import", status: "succeeded", priority: 0, attempts: 1,
                          maxAttempts: 3, createdAt: 1_767_225_600_000, startedAt: 1_767_225_600_010, finishedAt: 1_767_225_600_400,
                          progress: JobProgress(files: 1, of: 1, etaSeconds: 0))
        job.importResult = exampleOutcome
        return job
    }()
}
