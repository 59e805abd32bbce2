/// `gallery.upscale`: enlarge a gallery image with a learned upscaler, stored as its child.
public enum GalleryUpscale: RPCMethod {
    public static let method = "gallery.upscale"
    public static let summary = "Enlarge a gallery image 2× or 4× with a learned upscaler (ESRGAN family); the result is a new image, a child of the original's generation in the lineage tree."
    public static let details = """
        The upscale is a job (kind `upscale`) on the engine lane: the call checks the image and the upscaler, queues the job and returns it at once; follow it with `job.get` or the `job` topic (`job.progress` with `step`/`totalSteps` counting tiles, stage `upscale`), stop it with `job.cancel`. With `wait` true the call returns the finished job. The job's `images` holds the new image; its generation's parent is the original's generation (`gallery.get` shows it among the original's children). The image is cut into tiles with cross-faded seams, so any size runs in bounded memory. Needs an upscaler in `$ARTFACTORY_HOME/upscalers/` (see `upscalers.list`).
        """

    public struct Params: Codable, Sendable, Equatable {
        /// The gallery image (`img_…`).
        public var id: String
        /// 2 or 4 (default: the upscaler's own scale when it is 2 or 4, else 2).
        public var factor: Int?
        /// Upscaler name; absent = the default (config.json `upscaler`, else the fastest installed).
        public var upscaler: String?
        /// Block until the job finished and return it (default false).
        public var wait: Bool?

        public init(id: String, factor: Int? = nil, upscaler: String? = nil, wait: Bool? = nil) {
            self.id = id
            self.factor = factor
            self.upscaler = upscaler
            self.wait = wait
        }
    }

    public static let params: [Schema.Property] = [
        .init("id", .string("gallery image id (img_…)"), required: true),
        .init("factor", .integer("2 or 4; default the upscaler's scale", minimum: 2, maximum: 4)),
        .init("upscaler", .string("upscaler name (upscalers.list); default config.json upscaler, else the fastest")),
        .init("wait", .boolean("return the finished job instead of the queued one (default false)")),
    ]
    /// The job (queued, or finished with `wait`).
    public typealias Result = JobInfo
    public static let result = JobInfo.schema
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.unavailable]
    public static let exampleParams = Params(id: "img_01J0000000000000000000000", factor: 4)
    public static let exampleResult = JobInfo(id: "job_01J0000000000000000000000", kind: "upscale", status: "queued", priority: 0,
                                              attempts: 0, maxAttempts: 3, createdAt: 1_767_225_600_000)
}
