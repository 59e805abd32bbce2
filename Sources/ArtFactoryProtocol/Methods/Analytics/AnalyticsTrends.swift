/// `analytics.trends`: approval counts per week.
public enum AnalyticsTrends: RPCMethod {
    public static let method = "analytics.trends"
    public static let summary = "Approval counts and rates per week (Monday, UTC, of the images' creation), newest first."

    public struct Params: Codable, Sendable, Equatable {
        public var projectId: String?
        /// Default 12, at most 520.
        public var weeks: Int?
        public init(projectId: String? = nil, weeks: Int? = nil) {
            self.projectId = projectId
            self.weeks = weeks
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var base: AnalyticsStat
        /// value is the week's Monday, `YYYY-MM-DD`.
        public var weeks: [AnalyticsStat]
        public init(base: AnalyticsStat, weeks: [AnalyticsStat]) {
            self.base = base
            self.weeks = weeks
        }
    }

    public static let params: [Schema.Property] = [
        .init("projectId", .string("only this project")),
        .init("weeks", .integer("how many weeks (default 12)", minimum: 1, maximum: 520)),
    ]
    public static let result = Schema.object([
        .init("base", AnalyticsStat.schema, required: true),
        .init("weeks", .array(AnalyticsStat.schema, "newest first; value = Monday YYYY-MM-DD"), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(weeks: 8)
    public static let exampleResult = Result(base: AnalyticsStat.exampleBase, weeks: [
        AnalyticsStat(value: "2026-11-30", approved: 40, rejected: 10, reviews: 50, rate: 0.8, lowerBound: 0.67, lift: 1.33),
    ])
}
