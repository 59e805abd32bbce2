/// `explore.draw`: choose what to try next, without generating.
public enum ExploreDrawMethod: RPCMethod {
    public static let method = "explore.draw"
    public static let summary = "Choose the next variants by Thompson sampling over the posteriors (no images; see explore.run), recorded as draws."
    public static let details = "Each draw samples every value's Beta posterior (sharpened or flattened by explore) and takes the best per dimension. Report outcomes with explore.report."

    public struct Params: Codable, Sendable, Equatable {
        public var id: String
        /// 1-1000, default 1.
        public var count: Int?
        /// Overrides the run's knob for these draws (0-1).
        public var explore: Double?
        public init(id: String, count: Int? = nil, explore: Double? = nil) {
            self.id = id
            self.count = count
            self.explore = explore
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var draws: [ExploreDrawInfo]
        public init(draws: [ExploreDrawInfo]) { self.draws = draws }
    }

    public static let params: [Schema.Property] = [
        .init("id", .string("exp_ id"), required: true),
        .init("count", .integer("draws (default 1)", minimum: 1, maximum: 1000)),
        .init("explore", .number("knob for these draws", minimum: 0, maximum: 1)),
    ]
    public static let result = Schema.object([.init("draws", .array(ExploreDrawInfo.schema), required: true)])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "exp_01J0000000000000000000000", count: 1)
    public static let exampleResult = Result(draws: [ExploreDrawInfo.example])
}

/// `explore.report`: the outcome of a draw made without images.
public enum ExploreReport: RPCMethod {
    public static let method = "explore.report"
    public static let summary = "Report a draw's outcome (approve, reject or clear); the posteriors of the values it chose move at once."
    public static let details = "Only for draws without images; draws made by explore.run learn from gallery.review of their images (-32602 otherwise)."

    public struct Params: Codable, Sendable, Equatable {
        public var drawId: String
        public var verdict: GalleryReview.Verdict
        public init(drawId: String, verdict: GalleryReview.Verdict) {
            self.drawId = drawId
            self.verdict = verdict
        }
    }

    public typealias Result = ExploreDrawInfo

    public static let params: [Schema.Property] = [
        .init("drawId", .string("drw_ id"), required: true),
        .init("verdict", .enumeration(GalleryReview.Verdict.allCases.map(\.rawValue)), required: true),
    ]
    public static let result = ExploreDrawInfo.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(drawId: "drw_01J0000000000000000000000", verdict: .approve)
    public static let exampleResult = ExploreDrawInfo.example
}

/// `explore.run`: draw and generate images.
public enum ExploreRunMethod: RPCMethod {
    public static let method = "explore.run"
    public static let summary = "Draw N variants and queue one generation for each (the run's params, model and project); approve or reject the images to teach it."
    public static let details = "Each draw becomes a generate job with the draw's prompt and seed; returns the draws with their job and generation ids. Bad run params fail before anything is queued."

    public typealias Params = ExploreDrawMethod.Params
    public typealias Result = ExploreDrawMethod.Result

    public static let params: [Schema.Property] = [
        .init("id", .string("exp_ id"), required: true),
        .init("count", .integer("images to make (default 1, at most 64)", minimum: 1, maximum: 64)),
        .init("explore", .number("knob for these draws", minimum: 0, maximum: 1)),
    ]
    public static let result = ExploreDrawMethod.result
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "exp_01J0000000000000000000000", count: 4)
    public static let exampleResult = ExploreDrawMethod.Result(draws: [ExploreDrawInfo.example])
}
