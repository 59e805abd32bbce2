/// `analytics.rebuild`: recount the analytics from the images' current verdicts.
public enum AnalyticsRebuild: RPCMethod {
    public static let method = "analytics.rebuild"
    public static let summary = "Recount all analytics from the images' current verdicts (only needed after bulk loads that bypass gallery.review)."
    public static let details = "Seconds at a million reviewed images; the counts are otherwise kept exact on every review and delete."

    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Equatable {
        /// Reviewed images counted.
        public var reviewed: Int
        public init(reviewed: Int) { self.reviewed = reviewed }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([.init("reviewed", .integer("reviewed images counted", minimum: 0), required: true)])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(reviewed: 1200)
}
