/// `template.list`: every saved template.
public enum TemplateList: RPCMethod {
    public static let method = "template.list"
    public static let summary = "List saved templates with their parameters, by name."

    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Equatable {
        public var templates: [TemplateInfo]
        public init(templates: [TemplateInfo]) { self.templates = templates }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([.init("templates", .array(TemplateInfo.schema), required: true)])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(templates: [TemplateInfo.example])
}
