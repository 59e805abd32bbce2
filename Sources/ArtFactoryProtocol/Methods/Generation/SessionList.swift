/// `session.list`: sessions, newest first.
public enum SessionList: RPCMethod {
    public static let method = "session.list"
    public static let summary = "List sessions, optionally only one project's."
    public static let errors = [RPCErrorCode.notFound]

    public struct Params: Codable, Sendable, Equatable {
        public var project: String?
        public init(project: String? = nil) { self.project = project }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var sessions: [SessionInfo]
        public init(sessions: [SessionInfo]) { self.sessions = sessions }
    }

    public static let params: [Schema.Property] = [.init("project", .string("only this project's sessions"))]
    public static let result = Schema.object([.init("sessions", .array(SessionInfo.schema), required: true)])
    public static let exampleParams = Params()
    public static let exampleResult = Result(sessions: [SessionInfo.example])
}
