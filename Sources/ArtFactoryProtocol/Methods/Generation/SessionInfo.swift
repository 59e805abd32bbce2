/// A session: a named tree of generations, where any output can seed the next one.
public struct SessionInfo: Codable, Sendable, Equatable {
    /// `ses_` id.
    public var id: String
    public var name: String
    public var projectId: String?
    /// Milliseconds since the epoch.
    public var createdAt: Int64

    public init(id: String, name: String, projectId: String?, createdAt: Int64) {
        self.id = id
        self.name = name
        self.projectId = projectId
        self.createdAt = createdAt
    }

    /// The schema of this object in the OpenRPC document.
    public static let schema = Schema.object([
        .init("id", .string("session id"), required: true),
        .init("name", .string("session name"), required: true),
        .init("projectId", .string("project id")),
        .init("createdAt", .integer("ms since the epoch"), required: true),
    ])

    static let example = SessionInfo(id: "ses_01J0000000000000000000000", name: "Lighthouse poster", projectId: nil,
                                     createdAt: 1_767_225_600_000)
}

/// One generation in a session tree.
public struct SessionNode: Codable, Sendable, Equatable {
    public var generationId: String
    /// The generation it was made from (nil for a root of the tree).
    public var parentId: String?
    public var prompt: String
    public var model: String
    public var seed: Int64?
    /// queued, running, succeeded, failed, canceled.
    public var status: String
    /// Steps, size, guidance, sampler, preset… as recorded.
    public var parameters: JSONValue
    /// Wall time in milliseconds, once finished.
    public var durationMs: Int64?
    public var createdAt: Int64
    /// Output images (gallery asset ids).
    public var assetIds: [String]

    public init(generationId: String, parentId: String?, prompt: String, model: String, seed: Int64?, status: String,
                parameters: JSONValue, durationMs: Int64?, createdAt: Int64, assetIds: [String]) {
        self.generationId = generationId
        self.parentId = parentId
        self.prompt = prompt
        self.model = model
        self.seed = seed
        self.status = status
        self.parameters = parameters
        self.durationMs = durationMs
        self.createdAt = createdAt
        self.assetIds = assetIds
    }

    /// The schema of this object in the OpenRPC document.
    public static let schema = Schema.object([
        .init("generationId", .string(), required: true),
        .init("parentId", .string("parent generation")),
        .init("prompt", .string(), required: true),
        .init("model", .string(), required: true),
        .init("seed", .integer(minimum: 0)),
        .init("status", .enumeration(["queued", "running", "succeeded", "failed", "canceled"]), required: true),
        .init("parameters", .any("recorded parameters"), required: true),
        .init("durationMs", .integer(minimum: 0)),
        .init("createdAt", .integer("ms since the epoch"), required: true),
        .init("assetIds", .array(.string()), required: true),
    ])
}
