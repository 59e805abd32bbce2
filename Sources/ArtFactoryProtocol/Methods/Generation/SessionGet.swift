/// `session.get`: a session with its tree of generations.
public enum SessionGet: RPCMethod {
    public static let method = "session.get"
    public static let summary = "Get a session and its generations as a tree (parent links), with prompts, parameters and timings."
    public static let details = "Nodes come in creation order; a node whose parent is outside the session is a root."
    public static let errors = [RPCErrorCode.notFound]

    public struct Params: Codable, Sendable, Equatable {
        public var id: String
        public init(id: String) { self.id = id }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var session: SessionInfo
        public var nodes: [SessionNode]
        public init(session: SessionInfo, nodes: [SessionNode]) {
            self.session = session
            self.nodes = nodes
        }
    }

    public static let params: [Schema.Property] = [.init("id", .string("session id"), required: true)]
    public static let result = Schema.object([
        .init("session", SessionInfo.schema, required: true),
        .init("nodes", .array(SessionNode.schema, "generations in creation order"), required: true),
    ])
    public static let exampleParams = Params(id: "ses_01J0000000000000000000000")
    public static let exampleResult = Result(session: SessionInfo.example, nodes: [
        SessionNode(generationId: "gen_01J0000000000000000000000", parentId: nil, prompt: "a lighthouse", model: "sd1-tiny", seed: 42,
                    status: "succeeded", parameters: ["steps": 28], durationMs: 5400, createdAt: 1_767_225_600_000,
                    assetIds: ["img_01J0000000000000000000000"]),
    ])
}
