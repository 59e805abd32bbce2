/// An exploration run as clients see it: its dimensions with the Beta posterior of every value.
public struct ExploreInfo: Codable, Sendable, Equatable {
    /// One value of a dimension and its posterior Beta(alpha, beta) = Beta(1 + approved, 1 + rejected).
    public struct Arm: Codable, Sendable, Equatable {
        public var value: String
        public var approved: Int
        public var rejected: Int
        public var drawn: Int
        public var alpha: Double
        public var beta: Double
        /// Posterior mean alpha / (alpha + beta).
        public var mean: Double
        /// Posterior standard deviation.
        public var sd: Double
        public init(value: String, approved: Int, rejected: Int, drawn: Int, alpha: Double, beta: Double, mean: Double, sd: Double) {
            self.value = value
            self.approved = approved
            self.rejected = rejected
            self.drawn = drawn
            self.alpha = alpha
            self.beta = beta
            self.mean = mean
            self.sd = sd
        }
    }

    public struct Dimension: Codable, Sendable, Equatable {
        public var name: String
        public var arms: [Arm]
        public init(name: String, arms: [Arm]) {
            self.name = name
            self.arms = arms
        }
    }

    public var id: String
    public var name: String
    public var projectId: String?
    public var prompt: String
    public var explore: Double
    public var draws: Int
    public var params: JSONValue
    public var createdAt: Int64
    public var dimensions: [Dimension]

    public init(id: String, name: String, projectId: String?, prompt: String, explore: Double, draws: Int, params: JSONValue,
                createdAt: Int64, dimensions: [Dimension]) {
        self.id = id
        self.name = name
        self.projectId = projectId
        self.prompt = prompt
        self.explore = explore
        self.draws = draws
        self.params = params
        self.createdAt = createdAt
        self.dimensions = dimensions
    }

    static let armSchema = Schema.object([
        .init("value", .string(), required: true),
        .init("approved", .integer(minimum: 0), required: true),
        .init("rejected", .integer(minimum: 0), required: true),
        .init("drawn", .integer("draws that chose it", minimum: 0), required: true),
        .init("alpha", .number("1 + approved"), required: true),
        .init("beta", .number("1 + rejected"), required: true),
        .init("mean", .number("posterior mean", minimum: 0, maximum: 1), required: true),
        .init("sd", .number("posterior standard deviation", minimum: 0), required: true),
    ])

    public static let schema = Schema.object([
        .init("id", .string("exp_ id"), required: true),
        .init("name", .string(), required: true),
        .init("projectId", .string()),
        .init("prompt", .string("with {dimension} slots"), required: true),
        .init("explore", .number("0 exploit … 1 explore", minimum: 0, maximum: 1), required: true),
        .init("draws", .integer(minimum: 0), required: true),
        .init("params", .object([], "generate parameters of every draw", additional: .any()), required: true),
        .init("createdAt", .integer("ms since the epoch"), required: true),
        .init("dimensions", .array(.object([
            .init("name", .string(), required: true),
            .init("arms", .array(armSchema, "values with their posteriors"), required: true),
        ])), required: true),
    ])

    public static let example = ExploreInfo(
        id: "exp_01J0000000000000000000000", name: "Fox styles", projectId: nil, prompt: "a fox, {style}", explore: 0.5, draws: 2,
        params: ["steps": 20], createdAt: 1_767_225_600_000,
        dimensions: [Dimension(name: "style", arms: [
            Arm(value: "watercolor", approved: 1, rejected: 0, drawn: 1, alpha: 2, beta: 1, mean: 0.667, sd: 0.236),
            Arm(value: "neon", approved: 0, rejected: 1, drawn: 1, alpha: 1, beta: 2, mean: 0.333, sd: 0.236),
        ])])
}

/// One draw as clients see it.
public struct ExploreDrawInfo: Codable, Sendable, Equatable {
    public struct Pick: Codable, Sendable, Equatable {
        public var dimension: String
        public var value: String
        public init(dimension: String, value: String) {
            self.dimension = dimension
            self.value = value
        }
    }

    public var id: String
    public var runId: String
    public var seq: Int
    public var choice: [Pick]
    public var prompt: String
    public var seed: Int64
    public var generationId: String?
    public var jobId: String?
    /// approve, reject or clear (draws reported directly; draws with images learn from their reviews).
    public var outcome: GalleryReview.Verdict

    public init(id: String, runId: String, seq: Int, choice: [Pick], prompt: String, seed: Int64, generationId: String?, jobId: String?,
                outcome: GalleryReview.Verdict) {
        self.id = id
        self.runId = runId
        self.seq = seq
        self.choice = choice
        self.prompt = prompt
        self.seed = seed
        self.generationId = generationId
        self.jobId = jobId
        self.outcome = outcome
    }

    public static let schema = Schema.object([
        .init("id", .string("drw_ id"), required: true),
        .init("runId", .string(), required: true),
        .init("seq", .integer("1-based", minimum: 1), required: true),
        .init("choice", .array(.object([
            .init("dimension", .string(), required: true), .init("value", .string(), required: true),
        ])), required: true),
        .init("prompt", .string("the prompt with the chosen values"), required: true),
        .init("seed", .integer(), required: true),
        .init("generationId", .string("the generation made (explore.run)")),
        .init("jobId", .string()),
        .init("outcome", .enumeration(GalleryReview.Verdict.allCases.map(\.rawValue), "reported outcome"), required: true),
    ])

    public static let example = ExploreDrawInfo(id: "drw_01J0000000000000000000000", runId: "exp_01J0000000000000000000000", seq: 1,
                                                choice: [Pick(dimension: "style", value: "watercolor")], prompt: "a fox, watercolor",
                                                seed: 42, generationId: nil, jobId: nil, outcome: .clear)
}

/// Params naming one run.
public struct ExploreRef: Codable, Sendable, Equatable {
    public var id: String
    public init(id: String) { self.id = id }
}
