/// `analytics.lift`: which terms, styles, profiles, models, presets and sizes go with approval.
public enum AnalyticsLift: RPCMethod {
    public static let method = "analytics.lift"
    public static let summary = "Per-key lift over the base approval rate (terms, words, styles, profiles, models, presets, sizes), with counts."
    public static let details = """
        lift = the key's approval rate / the base rate of all reviewed images in scope. order best ranks by the rate's \
        Wilson lower bound (most reliably above base first), worst by its upper bound (most reliably below base first). \
        minReviews defaults to 3.
        """

    public enum Order: String, Codable, Sendable, CaseIterable { case best, worst }

    public struct Params: Codable, Sendable, Equatable {
        /// Default `term`.
        public var kind: AnalyticsKind?
        public var projectId: String?
        /// Default best.
        public var order: Order?
        public var minReviews: Int?
        public var limit: Int?

        public init(kind: AnalyticsKind? = nil, projectId: String? = nil, order: Order? = nil, minReviews: Int? = nil, limit: Int? = nil) {
            self.kind = kind
            self.projectId = projectId
            self.order = order
            self.minReviews = minReviews
            self.limit = limit
        }
    }

    public typealias Result = AnalyticsTop.Result

    public static let params: [Schema.Property] = [
        .init("kind", .enumeration(AnalyticsKind.allCases.map(\.rawValue), "what to measure (default term)")),
        .init("projectId", .string("only this project")),
        .init("order", .enumeration(Order.allCases.map(\.rawValue), "best (default) or worst")),
        .init("minReviews", .integer("least reviews a key needs (default 3)", minimum: 1)),
        .init("limit", .integer("default 20", minimum: 1, maximum: 1000)),
    ]
    public static let result = AnalyticsTop.result
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(kind: .term, order: .best)
    public static let exampleResult = AnalyticsTop.Result(kind: .term, base: AnalyticsStat.exampleBase, items: [AnalyticsStat.example])
}
