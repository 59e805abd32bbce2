/// `analytics.top`: keys ranked by a confidence bound on their approval rate.
public enum AnalyticsTop: RPCMethod {
    public static let method = "analytics.top"
    public static let summary = "Top prompts (or templates, terms, models, ...) by the Wilson lower bound of their approval rate, with counts."
    public static let details = """
        Ranks by the 95 % Wilson score lower bound, not the raw rate, so 1 approval of 1 ranks below 23 of 25. \
        Counts are kept by the catalog as reviews happen, so the answer reads index rows only. \
        projectId limits to one project's images (-32001 if unknown).
        """

    public struct Params: Codable, Sendable, Equatable {
        /// Default `prompt`.
        public var kind: AnalyticsKind?
        public var projectId: String?
        /// Only keys with at least this many reviews (default 1).
        public var minReviews: Int?
        /// Default 20, at most 1000.
        public var limit: Int?

        public init(kind: AnalyticsKind? = nil, projectId: String? = nil, minReviews: Int? = nil, limit: Int? = nil) {
            self.kind = kind
            self.projectId = projectId
            self.minReviews = minReviews
            self.limit = limit
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var kind: AnalyticsKind
        /// Every reviewed image in scope.
        public var base: AnalyticsStat
        public var items: [AnalyticsStat]
        public init(kind: AnalyticsKind, base: AnalyticsStat, items: [AnalyticsStat]) {
            self.kind = kind
            self.base = base
            self.items = items
        }
    }

    public static let params: [Schema.Property] = [
        .init("kind", .enumeration(AnalyticsKind.allCases.map(\.rawValue), "what to rank (default prompt)")),
        .init("projectId", .string("only this project")),
        .init("minReviews", .integer("least reviews a key needs (default 1)", minimum: 1)),
        .init("limit", .integer("default 20", minimum: 1, maximum: 1000)),
    ]
    public static let result = Schema.object([
        .init("kind", .enumeration(AnalyticsKind.allCases.map(\.rawValue)), required: true),
        .init("base", AnalyticsStat.schema, required: true),
        .init("items", .array(AnalyticsStat.schema, "best first"), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(kind: .prompt, limit: 10)
    public static let exampleResult = Result(kind: .prompt, base: AnalyticsStat.exampleBase, items: [AnalyticsStat.example])
}
