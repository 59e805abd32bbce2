/// One variant dimension of an exploration: a `{name}` slot in the prompt (or `seed`, `steps`,
/// `guidance`, which set those parameters) and the values to try.
public struct ExploreDimension: Codable, Sendable, Hashable {
    public var name: String
    public var values: [String]
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// An exploration run.
public struct ExploreRun: Codable, Sendable, Hashable {
    /// `exp_` id.
    public var id: String
    public var name: String
    public var projectId: String?
    /// The prompt with `{dimension}` slots.
    public var prompt: String
    public var dimensions: [ExploreDimension]
    /// Generate parameters every draw's generation uses (model, size, steps, ...).
    public var params: CatalogJSON
    /// 0 = exploit (best posterior mean), 0.5 = Thompson sampling, 1 = uniform exploration.
    public var explore: Double
    /// The sampler's random state after the last draw.
    public var rngState: UInt64
    public var draws: Int
    public var createdAt: Int64
}

/// One dimension value and what its draws earned: the posterior is Beta(1 + approved, 1 + rejected).
public struct ExploreArm: Codable, Sendable, Hashable {
    public var dimension: String
    public var value: String
    public var approved: Int
    public var rejected: Int
    /// Draws that chose it.
    public var drawn: Int

    public var alpha: Double { Double(1 + approved) }
    public var beta: Double { Double(1 + rejected) }
}

/// One draw: the values chosen per dimension, the prompt and seed they make.
public struct ExploreDraw: Codable, Sendable, Hashable {
    /// `drw_` id.
    public var id: String
    public var runId: String
    /// 1-based position in the run.
    public var seq: Int
    /// (dimension, value) in dimension order.
    public var choice: [[String]]
    public var prompt: String
    public var seed: Int64
    public var generationId: String?
    public var jobId: String?
    /// Reported directly (`explore.report`); draws with a generation learn from their images' reviews.
    public var outcome: Bool?
    public var createdAt: Int64
}

/// What a sampler decided for one draw.
public struct ExploreChoice: Sendable, Hashable {
    public var choice: [[String]]
    public var prompt: String
    public var seed: Int64
    public init(choice: [[String]], prompt: String, seed: Int64) {
        self.choice = choice
        self.prompt = prompt
        self.seed = seed
    }
}
