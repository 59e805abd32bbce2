/// `template.save`: create a template, or update the one with that id.
public enum TemplateSave: RPCMethod {
    public static let method = "template.save"
    public static let summary = "Save a named parameter set: new without `id`, else an update (which bumps its version)."

    public struct Params: Codable, Sendable, Equatable {
        /// Absent: create.
        public var id: String?
        public var name: String
        public var description: String?
        public var params: JSONValue

        public init(id: String? = nil, name: String, description: String? = nil, params: JSONValue) {
            self.id = id
            self.name = name
            self.description = description
            self.params = params
        }
    }

    public typealias Result = TemplateInfo

    public static let params: [Schema.Property] = [
        .init("id", .string("template to update; absent creates one")),
        .init("name", .string("unique name", maxLength: 200), required: true),
        .init("description", .string()),
        .init("params", .object([], "generation parameters", additional: .any()), required: true),
    ]
    public static let result = TemplateInfo.schema
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]
    public static let exampleParams = Params(name: "Portrait 768", params: ["width": 768, "height": 1024, "steps": 30])
    public static let exampleResult = TemplateInfo.example
}
