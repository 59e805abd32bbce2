/// `analytics.rebuild`: recount the analytics from the images' current verdicts.
public enum AnalyticsRebuild: RPCMethod {
    public static let method = "analytics.rebuild"
    public static let summary = "Recount all analytics from the images' current verdicts (only needed after bulk loads that bypass gallery.review)."
    public static let details = "The counts are otherwise kept exact on every review and delete. Keeps each image's stored features (an image's prompt and parameters never change) unless recomputeFeatures is true; see docs/benchmarks.md for timings."

    public struct Params: Codable, Sendable, Equatable {
        /// Recompute every reviewed image's features too (slow: only after the feature extraction changed).
        public var recomputeFeatures: Bool?
        public init(recomputeFeatures: Bool? = nil) { self.recomputeFeatures = recomputeFeatures }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Reviewed images counted.
        public var reviewed: Int
        public init(reviewed: Int) { self.reviewed = reviewed }
    }

    public static let params: [Schema.Property] = [
        .init("recomputeFeatures", .boolean("also recompute every reviewed image's features (default false)")),
    ]
    public static let result = Schema.object([.init("reviewed", .integer("reviewed images counted", minimum: 0), required: true)])
    public static let exampleParams = Params()
    public static let exampleResult = Result(reviewed: 1200)
}
