/// `gallery.review`: approve, reject or clear images, by ids or by a filter, with an optional reason.
public enum GalleryReview: RPCMethod {
    public static let method = "gallery.review"
    public static let summary = "Approve, reject or clear images (ids or a gallery.list filter) with an optional reason; feeds analytics and exploration."
    public static let details = """
        Give ids or a filter, not both; a filter reviews every output image it matches (at most 100,000, and not an empty filter). \
        Every review is kept with its time, reason and source (see gallery.reviews); the image's current verdict is the last one. \
        Unknown ids change nothing (-32001).
        """

    /// What to record.
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        case approve, reject, clear
        /// `true` approve, `false` reject, `nil` clear.
        public var approved: Bool? {
            switch self {
            case .approve: true
            case .reject: false
            case .clear: nil
            }
        }
    }

    public struct Params: Codable, Sendable, Equatable {
        public var verdict: Verdict
        public var ids: [String]?
        public var filter: GalleryFilter?
        /// Why, for people and the analytics history (at most 2,000 characters).
        public var reason: String?

        public init(verdict: Verdict, ids: [String]? = nil, filter: GalleryFilter? = nil, reason: String? = nil) {
            self.verdict = verdict
            self.ids = ids
            self.filter = filter
            self.reason = reason
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Images reviewed.
        public var updated: Int
        /// Of those, how many had another verdict before.
        public var changed: Int
        /// The review time, ms since the epoch.
        public var reviewedAt: Int64
        /// The images reviewed, sorted (the first 1,000).
        public var ids: [String]

        public init(updated: Int, changed: Int, reviewedAt: Int64, ids: [String]) {
            self.updated = updated
            self.changed = changed
            self.reviewedAt = reviewedAt
            self.ids = ids
        }
    }

    public static let params: [Schema.Property] = [
        .init("verdict", .enumeration(Verdict.allCases.map(\.rawValue), "approve, reject or clear"), required: true),
        .init("ids", .array(.string("image id"), "images (or give filter)", maxItems: 10_000)),
        .init("filter", GalleryFilter.schema),
        .init("reason", .string("why (optional)", maxLength: 2_000)),
    ]
    public static let result = Schema.object([
        .init("updated", .integer("images reviewed", minimum: 0), required: true),
        .init("changed", .integer("images whose verdict changed", minimum: 0), required: true),
        .init("reviewedAt", .integer("ms since the epoch"), required: true),
        .init("ids", .array(.string("image id"), "images reviewed (first 1,000)"), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(verdict: .approve, ids: ["img_01J0000000000000000000000"], reason: "on brief")
    public static let exampleResult = Result(updated: 1, changed: 1, reviewedAt: 1_767_225_600_000, ids: ["img_01J0000000000000000000000"])
}
