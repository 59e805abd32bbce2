/// `analytics.useAsTemplate`: save a well-approved prompt as a template.
public enum AnalyticsUseAsTemplate: RPCMethod {
    public static let method = "analytics.useAsTemplate"
    public static let summary = "Save a prompt from analytics.top (by text, or by rank) as a template, with the parameters of its latest approved image."
    public static let details = """
        Give prompt (exact text as analytics.top shows it) or rank (1 = the top prompt of analytics.top with the same projectId \
        and minReviews). The template holds prompt, negativePrompt, model, size, steps, guidance and sampler of the newest \
        approved image of that prompt. A prompt with no reviews is -32001; a taken name is -32002.
        """

    public struct Params: Codable, Sendable, Equatable {
        public var name: String
        public var prompt: String?
        /// 1-based rank in analytics.top.
        public var rank: Int?
        public var projectId: String?
        public var minReviews: Int?
        public var description: String?

        public init(name: String, prompt: String? = nil, rank: Int? = nil, projectId: String? = nil, minReviews: Int? = nil,
                    description: String? = nil) {
            self.name = name
            self.prompt = prompt
            self.rank = rank
            self.projectId = projectId
            self.minReviews = minReviews
            self.description = description
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var template: TemplateInfo
        /// The prompt's counts when saved.
        public var stat: AnalyticsStat
        public init(template: TemplateInfo, stat: AnalyticsStat) {
            self.template = template
            self.stat = stat
        }
    }

    public static let params: [Schema.Property] = [
        .init("name", .string("template name", maxLength: 200), required: true),
        .init("prompt", .string("the prompt (or give rank)")),
        .init("rank", .integer("1-based rank in analytics.top (or give prompt)", minimum: 1, maximum: 1000)),
        .init("projectId", .string("scope of the ranking")),
        .init("minReviews", .integer("as for analytics.top", minimum: 1)),
        .init("description", .string()),
    ]
    public static let result = Schema.object([
        .init("template", TemplateInfo.schema, required: true),
        .init("stat", AnalyticsStat.schema, required: true),
    ])
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]
    public static let exampleParams = Params(name: "Fox hero", rank: 1)
    public static let exampleResult = Result(template: TemplateInfo.example, stat: AnalyticsStat.example)
}
