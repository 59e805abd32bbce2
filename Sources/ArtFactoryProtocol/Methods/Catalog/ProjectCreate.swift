/// `project.create`: a new project (its images go under gallery/<slug>/).
public enum ProjectCreate: RPCMethod {
    public static let method = "project.create"
    public static let summary = "Create a project; names are unique (case-insensitive)."
    public static let details = "The slug (folder name) is derived from the name and never changes, even on rename."

    public struct Params: Codable, Sendable, Equatable {
        public var name: String
        public var description: String?
        public var defaultProfileId: String?
        public init(name: String, description: String? = nil, defaultProfileId: String? = nil) {
            self.name = name
            self.description = description
            self.defaultProfileId = defaultProfileId
        }
    }

    public typealias Result = ProjectInfo

    public static let params: [Schema.Property] = [
        .init("name", .string("project name", maxLength: 200), required: true),
        .init("description", .string()),
        .init("defaultProfileId", .string("style profile id")),
    ]
    public static let result = ProjectInfo.schema
    public static let errors = [RPCErrorCode.conflict, RPCErrorCode.notFound]
    public static let exampleParams = Params(name: "Autumn campaign")
    public static let exampleResult = ProjectInfo.example
}
