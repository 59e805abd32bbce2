/// `gallery.export`: copy originals and a catalog manifest to a folder or one ZIP file.
public enum GalleryExport: RPCMethod {
    public static let method = "gallery.export"
    public static let summary = "Export images (originals, byte for byte) with a manifest.json of their catalog records, to a folder or a ZIP."
    public static let details = """
        Layout (folder or ZIP): `manifest.json` (projects, sessions, generations, images, tags, collections, \
        favorites and ratings) and `images/<gallery path>`. `destination` must be absolute, under your home or the \
        temporary directory, and must not exist yet (its parent must). The ZIP is written to a temporary file and \
        renamed when complete. Pass the result to gallery.import to restore it in another home: same catalog, \
        identical files. Exports every image unless `ids` or `filter` narrows it.

        The export is a job (kind `export`) on the file lane: the call checks the destination, format and ids, \
        queues the job and returns it at once; follow it with `job.get` or the `job` topic (`job.progress` with \
        `done`/`total` files and an ETA), stop it with `job.cancel` (the partial file is removed). With `wait` true \
        the call returns the finished job, or the job's error. The job's `exportResult` says what was written. \
        A daemon crash re-queues the job, which starts the file over.
        """

    public struct Params: Codable, Sendable, Equatable {
        public var destination: String
        /// `zip` (default when destination ends in .zip) or `folder`.
        public var format: String?
        public var ids: [String]?
        public var filter: GalleryFilter?
        /// Block until the job finished and return it (default false: return the queued job at once).
        public var wait: Bool?

        public init(destination: String, format: String? = nil, ids: [String]? = nil, filter: GalleryFilter? = nil, wait: Bool? = nil) {
            self.destination = destination
            self.format = format
            self.ids = ids
            self.filter = filter
            self.wait = wait
        }
    }

    /// What an export wrote: the job's `exportResult`.
    public struct Outcome: Codable, Sendable, Equatable {
        /// Where it was written.
        public var path: String
        public var format: String
        public var images: Int
        /// Bytes of originals copied.
        public var bytes: Int64

        public init(path: String, format: String, images: Int, bytes: Int64) {
            self.path = path
            self.format = format
            self.images = images
            self.bytes = bytes
        }
    }

    public static let params: [Schema.Property] = [
        .init("destination", .string("absolute path of the new folder or .zip file"), required: true),
        .init("format", .enumeration(["zip", "folder"], "default: zip when destination ends in .zip, else folder")),
        .init("ids", .array(.string("image id"), "only these images", maxItems: 1_000_000)),
        .init("filter", GalleryFilter.schema),
        .init("wait", .boolean("return the finished job instead of the queued one (default false)")),
    ]
    /// The job (queued, or finished with `wait`).
    public typealias Result = JobInfo
    public static let result = JobInfo.schema
    /// The schema of ``Outcome`` (the job's `exportResult`).
    public static let outcomeSchema = Schema.object([
        .init("path", .string("absolute path written"), required: true),
        .init("format", .enumeration(["zip", "folder"]), required: true),
        .init("images", .integer("images exported", minimum: 0), required: true),
        .init("bytes", .integer("bytes of originals", minimum: 0), required: true),
    ])
    public static let errors = [RPCErrorCode.pathNotAllowed, RPCErrorCode.notFound, RPCErrorCode.conflict]
    public static let exampleParams = Params(destination: "/home/me/export.zip")
    public static let exampleResult = JobInfo(id: "job_01J0000000000000000000000", kind: "export", status: "queued", priority: 0,
                                              attempts: 0, maxAttempts: 3, createdAt: 1_767_225_600_000)
    static let exampleOutcome = Outcome(path: "/home/me/export.zip", format: "zip", images: 120, bytes: 98_000_000)
}
