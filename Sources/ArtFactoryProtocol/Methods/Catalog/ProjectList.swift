/// `project.list`: every project.
public enum ProjectList: RPCMethod {
    public static let method = "project.list"
    public static let summary = "List all projects, by name."

    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Equatable {
        public var projects: [ProjectInfo]
        public init(projects: [ProjectInfo]) { self.projects = projects }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([.init("projects", .array(ProjectInfo.schema), required: true)])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(projects: [ProjectInfo.example])
}
