/// `explore.create`: a space of prompt variants to explore by Thompson sampling.
public enum ExploreCreate: RPCMethod {
    public static let method = "explore.create"
    public static let summary = "Create an exploration: a prompt with {slots}, the values to try per slot (or seed/steps/guidance), and the explore knob."
    public static let details = """
        Every value of every dimension gets a Beta(1, 1) prior; approvals of draws (explore.report, or gallery.review of the \
        images explore.run made) update it. explore: 0 always picks the best posterior mean, 0.5 is plain Thompson sampling, \
        1 picks uniformly. seed makes the draws reproducible. Dimensions named seed, steps or guidance set those parameters \
        instead of filling a slot; a dimension named slider:NAME sets style-profile slider NAME (values 0-100) through \
        generate's sliders, so the profile that applies (params.profile or the project's default) must have that slider.
        """

    public struct Dimension: Codable, Sendable, Equatable {
        public var name: String
        public var values: [String]
        public init(name: String, values: [String]) {
            self.name = name
            self.values = values
        }
    }

    public struct Params: Codable, Sendable, Equatable {
        public var name: String
        public var prompt: String
        public var dimensions: [Dimension]
        /// 0-1, default 0.5.
        public var explore: Double?
        public var seed: Int64?
        public var projectId: String?
        /// Generate parameters for explore.run (model, width, height, steps, guidance, preset, ...).
        public var params: JSONValue?

        public init(name: String, prompt: String, dimensions: [Dimension], explore: Double? = nil, seed: Int64? = nil,
                    projectId: String? = nil, params: JSONValue? = nil) {
            self.name = name
            self.prompt = prompt
            self.dimensions = dimensions
            self.explore = explore
            self.seed = seed
            self.projectId = projectId
            self.params = params
        }
    }

    public typealias Result = ExploreInfo

    public static let params: [Schema.Property] = [
        .init("name", .string(maxLength: 200), required: true),
        .init("prompt", .string("prompt with {dimension} slots"), required: true),
        .init("dimensions", .array(.object([
            .init("name", .string("slot name, or seed/steps/guidance, or slider:NAME (a style-profile slider)"), required: true),
            .init("values", .array(.string(), "values to try (1-64)", maxItems: 64), required: true),
        ]), "1-8 dimensions", maxItems: 8), required: true),
        .init("explore", .number("0 exploit … 0.5 Thompson … 1 uniform (default 0.5)", minimum: 0, maximum: 1)),
        .init("seed", .integer("random seed of the sampler (default: random)")),
        .init("projectId", .string("project of the images explore.run makes")),
        .init("params", .object([], "generate parameters for explore.run", additional: .any())),
    ]
    public static let result = ExploreInfo.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(name: "Fox styles", prompt: "a fox, {style}",
                                             dimensions: [Dimension(name: "style", values: ["watercolor", "neon"])], seed: 7)
    public static let exampleResult = ExploreInfo.example
}
