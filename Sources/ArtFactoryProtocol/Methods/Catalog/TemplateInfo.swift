/// A saved parameter set as clients see it.
public struct TemplateInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String
    /// Generation parameters (a JSON object).
    public var params: JSONValue
    /// The version: last update time, ms since the epoch.
    public var version: Int64
    public var createdAt: Int64

    public init(id: String, name: String, description: String, params: JSONValue, version: Int64, createdAt: Int64) {
        self.id = id
        self.name = name
        self.description = description
        self.params = params
        self.version = version
        self.createdAt = createdAt
    }

    public static let schema = Schema.object([
        .init("id", .string("template id"), required: true),
        .init("name", .string(), required: true),
        .init("description", .string(), required: true),
        .init("params", .object([], "generation parameters", additional: .any()), required: true),
        .init("version", .integer("last update, ms since the epoch"), required: true),
        .init("createdAt", .integer("ms since the epoch"), required: true),
    ])
    public static let example = TemplateInfo(id: "tpl_01J0000000000000000000000", name: "Portrait 768", description: "",
                                             params: ["width": 768, "height": 1024, "steps": 30], version: 1_767_225_600_000,
                                             createdAt: 1_767_225_600_000)
}
