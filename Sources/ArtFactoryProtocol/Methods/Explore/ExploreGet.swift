/// `explore.get`: a run with the posterior of every value, and its latest draws.
public enum ExploreGet: RPCMethod {
    public static let method = "explore.get"
    public static let summary = "An exploration with the Beta posterior (counts, mean, sd) of every dimension value, and its latest draws."

    public struct Params: Codable, Sendable, Equatable {
        public var id: String
        /// Latest draws to include (default 20, 0-1000).
        public var draws: Int?
        public init(id: String, draws: Int? = nil) {
            self.id = id
            self.draws = draws
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var run: ExploreInfo
        /// Newest first.
        public var draws: [ExploreDrawInfo]
        public init(run: ExploreInfo, draws: [ExploreDrawInfo]) {
            self.run = run
            self.draws = draws
        }
    }

    public static let params: [Schema.Property] = [
        .init("id", .string("exp_ id"), required: true),
        .init("draws", .integer("latest draws to include (default 20)", minimum: 0, maximum: 1000)),
    ]
    public static let result = Schema.object([
        .init("run", ExploreInfo.schema, required: true),
        .init("draws", .array(ExploreDrawInfo.schema, "newest first"), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "exp_01J0000000000000000000000")
    public static let exampleResult = Result(run: ExploreInfo.example, draws: [ExploreDrawInfo.example])
}

/// `explore.list`: every exploration, newest first.
public enum ExploreList: RPCMethod {
    public static let method = "explore.list"
    public static let summary = "Every exploration with its posteriors, newest first."
    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Equatable {
        public var runs: [ExploreInfo]
        public init(runs: [ExploreInfo]) { self.runs = runs }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([.init("runs", .array(ExploreInfo.schema), required: true)])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(runs: [ExploreInfo.example])
}

/// `explore.delete`: remove a run with its posteriors and draws (images stay).
public enum ExploreDelete: RPCMethod {
    public static let method = "explore.delete"
    public static let summary = "Delete an exploration with its posteriors and draws; the images it made stay in the gallery."
    public typealias Params = ExploreRef

    public struct Result: Codable, Sendable, Equatable {
        public var deleted: String
        public init(deleted: String) { self.deleted = deleted }
    }

    public static let params: [Schema.Property] = [.init("id", .string("exp_ id"), required: true)]
    public static let result = Schema.object([.init("deleted", .string(), required: true)])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = ExploreRef(id: "exp_01J0000000000000000000000")
    public static let exampleResult = Result(deleted: "exp_01J0000000000000000000000")
}
