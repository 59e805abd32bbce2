/// Approval counts of one analytics key (a prompt, template, term, model, week, ...).
public struct AnalyticsStat: Codable, Sendable, Equatable {
    /// The prompt, term, model name, `512x768`, week Monday `2026-11-30`, ...
    public var value: String
    public var approved: Int
    public var rejected: Int
    /// approved + rejected.
    public var reviews: Int
    /// approved / reviews.
    public var rate: Double
    /// Wilson score lower bound (95 %) of the rate; rankings sort by it, so 1 of 1 ranks below 23 of 25.
    public var lowerBound: Double
    /// rate / the base rate (absent when the base rate is 0).
    public var lift: Double?
    /// An approved image counted here, to open or reuse.
    public var exampleImageId: String?

    public init(value: String, approved: Int, rejected: Int, reviews: Int, rate: Double, lowerBound: Double,
                lift: Double? = nil, exampleImageId: String? = nil) {
        self.value = value
        self.approved = approved
        self.rejected = rejected
        self.reviews = reviews
        self.rate = rate
        self.lowerBound = lowerBound
        self.lift = lift
        self.exampleImageId = exampleImageId
    }

    public static let schema = Schema.object([
        .init("value", .string("the key"), required: true),
        .init("approved", .integer(minimum: 0), required: true),
        .init("rejected", .integer(minimum: 0), required: true),
        .init("reviews", .integer("approved + rejected", minimum: 0), required: true),
        .init("rate", .number("approved / reviews", minimum: 0, maximum: 1), required: true),
        .init("lowerBound", .number("Wilson 95 % lower bound of the rate", minimum: 0, maximum: 1), required: true),
        .init("lift", .number("rate / base rate", minimum: 0)),
        .init("exampleImageId", .string("an approved image counted here")),
    ], "approval counts of one key")

    public static let example = AnalyticsStat(value: "watercolor", approved: 23, rejected: 2, reviews: 25, rate: 0.92,
                                              lowerBound: 0.7503, lift: 1.53, exampleImageId: "img_01J0000000000000000000000")
    public static let exampleBase = AnalyticsStat(value: "", approved: 300, rejected: 200, reviews: 500, rate: 0.6, lowerBound: 0.556)
}

/// Key kinds the analytics count under.
public enum AnalyticsKind: String, Codable, Sendable, CaseIterable {
    case prompt, template, term, word, profile, style, model, preset, size
}
