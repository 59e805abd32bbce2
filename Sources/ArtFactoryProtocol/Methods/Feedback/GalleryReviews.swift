/// `gallery.reviews`: the review history of one image.
public enum GalleryReviews: RPCMethod {
    public static let method = "gallery.reviews"
    public static let summary = "The approve/reject/clear history of an image, oldest first, with times, reasons and sources."

    public struct Params: Codable, Sendable, Equatable {
        public var id: String
        public init(id: String) { self.id = id }
    }

    /// One review.
    public struct Entry: Codable, Sendable, Equatable {
        /// approve, reject or clear.
        public var verdict: GalleryReview.Verdict
        public var reason: String?
        /// `user`, `handoff:NAME` or `explore`.
        public var source: String
        /// ms since the epoch.
        public var createdAt: Int64

        public init(verdict: GalleryReview.Verdict, reason: String?, source: String, createdAt: Int64) {
            self.verdict = verdict
            self.reason = reason
            self.source = source
            self.createdAt = createdAt
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var id: String
        /// The current verdict (the last entry's; `clear` when never reviewed).
        public var verdict: GalleryReview.Verdict
        public var reviews: [Entry]
        public init(id: String, verdict: GalleryReview.Verdict, reviews: [Entry]) {
            self.id = id
            self.verdict = verdict
            self.reviews = reviews
        }
    }

    public static let params: [Schema.Property] = [.init("id", .string("image id"), required: true)]
    public static let result = Schema.object([
        .init("id", .string("image id"), required: true),
        .init("verdict", .enumeration(GalleryReview.Verdict.allCases.map(\.rawValue), "current verdict"), required: true),
        .init("reviews", .array(.object([
            .init("verdict", .enumeration(GalleryReview.Verdict.allCases.map(\.rawValue)), required: true),
            .init("reason", .string()),
            .init("source", .string("user, handoff:NAME or explore"), required: true),
            .init("createdAt", .integer("ms since the epoch"), required: true),
        ]), "oldest first"), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "img_01J0000000000000000000000")
    public static let exampleResult = Result(id: "img_01J0000000000000000000000", verdict: .approve,
                                             reviews: [Entry(verdict: .approve, reason: "on brief", source: "user", createdAt: 1_767_225_600_000)])
}
