/// `session.create`: start a session (a tree of generations).
public enum SessionCreate: RPCMethod {
    public static let method = "session.create"
    public static let summary = "Create a session; pass its id as `session` to generate to grow its tree."
    public static let errors = [RPCErrorCode.notFound]

    public struct Params: Codable, Sendable, Equatable {
        /// A name for people (1…200 characters).
        public var name: String
        /// Project the session belongs to.
        public var project: String?
        public init(name: String, project: String? = nil) {
            self.name = name
            self.project = project
        }
    }

    public typealias Result = SessionInfo

    public static let params: [Schema.Property] = [
        .init("name", .string("session name", maxLength: 200), required: true),
        .init("project", .string("project id")),
    ]
    public static let result = SessionInfo.schema
    public static let exampleParams = Params(name: "Lighthouse poster")
    public static let exampleResult = SessionInfo.example
}
