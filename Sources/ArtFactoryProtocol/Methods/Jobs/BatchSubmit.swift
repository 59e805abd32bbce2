/// `batch.submit`: many generations as one job.
public enum BatchSubmit: RPCMethod {
    public static let method = "batch.submit"
    public static let summary = "Queue a batch: up to 10 prompts one after another, or one prompt with a variation strategy (up to 500 images)."
    public static let details = """
        Strategies for one prompt: `consistent` (same expansion, seeds S, S+1, …), `diverse` (image i gets \
        expansion i of the prompt's {a|b} / wildcard choices), `grid` (one image per combination of `x` and \
        `y` values, like an X/Y plot: steps, guidance, sampler or seed), `collection` and `campaign` (coordinated sets with \
        shared palette and style terms, into a named collection with a contact sheet; see `set`). Progress: `job.progress` with image \
        done/total and ETA; the job's `failedImages` gives the success rate. When done, `zip` holds every image \
        and, for grids, `contactSheet` is a PNG of the cells in grid order (labels in its metadata). \
        Pause/resume/cancel with queue.pause, queue.resume, job.cancel.
        """
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.limitExceeded, RPCErrorCode.invalidFile]

    /// Most prompts in one batch, and most images.
    public static let maxPrompts = 10
    public static let maxImages = 500

    /// One grid axis.
    public struct Axis: Codable, Sendable, Equatable {
        /// steps, guidance, sampler or seed.
        public var param: String
        /// Values, as text (`"20"`, `"7.5"`, `"euler"`).
        public var values: [String]
        public init(param: String, values: [String]) {
            self.param = param
            self.values = values
        }
    }

    public struct Params: Codable, Sendable, Equatable {
        /// Up to 10 prompts, run in order (each makes `images` images, default 1).
        public var prompts: [String]?
        /// One prompt with a `strategy`.
        public var prompt: String?
        /// consistent, diverse or grid.
        public var strategy: String?
        /// Images per prompt (prompts list, 1…16) or in total (consistent/diverse, 1…500).
        public var images: Int?
        /// Grid axes (strategy grid).
        public var x: Axis?
        public var y: Axis?
        /// Settings shared by every image, as in `generate` (prompt/count/again/reorder are ignored).
        public var base: Generate.Params?
        /// Strategies collection and campaign: see ``BatchSet``.
        public var set: BatchSet?
        public init(prompts: [String]? = nil, prompt: String? = nil, strategy: String? = nil, images: Int? = nil,
                    x: Axis? = nil, y: Axis? = nil, base: Generate.Params? = nil, set: BatchSet? = nil) {
            self.set = set
            self.prompts = prompts
            self.prompt = prompt
            self.strategy = strategy
            self.images = images
            self.x = x
            self.y = y
            self.base = base
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var jobId: String
        public var batchId: String
        /// Generations in run order (grid: row by row).
        public var generationIds: [String]
        /// Images the batch will make.
        public var total: Int
        /// `local`, or the remote provider that runs it.
        public var provider: String?
        /// Remote batches: the estimated cost of every image, in US dollars.
        public var estimatedCost: Double?
        /// Collection and campaign batches: the result collection.
        public var collectionId: String?
        public init(jobId: String, batchId: String, generationIds: [String], total: Int, provider: String? = nil, estimatedCost: Double? = nil,
                    collectionId: String? = nil) {
            self.collectionId = collectionId
            self.jobId = jobId
            self.batchId = batchId
            self.generationIds = generationIds
            self.total = total
            self.provider = provider
            self.estimatedCost = estimatedCost
        }
    }

    static let axisSchema = Schema.object([
        .init("param", .enumeration(["steps", "guidance", "sampler", "seed"]), required: true),
        .init("values", .array(.string(), "values as text", maxItems: 100), required: true),
    ], "grid axis")
    public static let params: [Schema.Property] = [
        .init("prompts", .array(.string(maxLength: Generate.maxPromptLength), "prompts run in order", maxItems: maxPrompts)),
        .init("prompt", .string("one prompt with a strategy", maxLength: Generate.maxPromptLength)),
        .init("strategy", .enumeration(["consistent", "diverse", "grid", "collection", "campaign"], "variation strategy")),
        .init("images", .integer("images per prompt, or in total", minimum: 1, maximum: Int64(maxImages))),
        .init("x", axisSchema),
        .init("y", axisSchema),
        .init("base", .object(Generate.params, "settings shared by every image (as generate)")),
        .init("set", BatchSet.schema),
    ]
    public static let result = Schema.object([
        .init("jobId", .string(), required: true),
        .init("batchId", .string(), required: true),
        .init("generationIds", .array(.string()), required: true),
        .init("total", .integer("images", minimum: 1), required: true),
        .init("provider", .string("local, fal, replicate or civitai")),
        .init("estimatedCost", .number("remote: estimated US dollars for the whole batch", minimum: 0)),
        .init("collectionId", .string("collection/campaign: the result collection")),
    ])
    public static let exampleParams = Params(prompt: "a lighthouse", strategy: "grid", x: Axis(param: "steps", values: ["15", "28"]),
                                             y: Axis(param: "guidance", values: ["5", "7.5"]))
    public static let exampleResult = Result(jobId: "job_01J0000000000000000000000", batchId: "bat_01J0000000000000000000000",
                                             generationIds: ["gen_01J0000000000000000000000"], total: 4)
}
