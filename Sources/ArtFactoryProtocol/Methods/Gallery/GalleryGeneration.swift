/// A generation record as clients see it: prompt, parameters and provenance.
public struct GalleryGeneration: Codable, Sendable, Equatable {
    public var id: String
    public var sessionId: String?
    public var parentGenerationId: String?
    public var projectId: String?
    public var prompt: String
    public var negativePrompt: String
    /// Every parameter, as stored.
    public var params: JSONValue
    public var model: String
    public var provider: String
    public var seed: Int64?
    /// queued, running, succeeded, failed or canceled.
    public var status: String
    public var error: String?
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    public var completedAt: Int64?
    public var durationMs: Int64?

    public init(id: String, sessionId: String? = nil, parentGenerationId: String? = nil, projectId: String? = nil, prompt: String,
                negativePrompt: String = "", params: JSONValue = .object(JSONObject()), model: String = "", provider: String = "local",
                seed: Int64? = nil, status: String = "succeeded", error: String? = nil, createdAt: Int64,
                completedAt: Int64? = nil, durationMs: Int64? = nil) {
        self.id = id
        self.sessionId = sessionId
        self.parentGenerationId = parentGenerationId
        self.projectId = projectId
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.params = params
        self.model = model
        self.provider = provider
        self.seed = seed
        self.status = status
        self.error = error
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.durationMs = durationMs
    }

    public static let schema = Schema.object([
        .init("id", .string("generation id"), required: true),
        .init("sessionId", .string()),
        .init("parentGenerationId", .string("the generation this one was derived from")),
        .init("projectId", .string()),
        .init("prompt", .string(), required: true),
        .init("negativePrompt", .string(), required: true),
        .init("params", .object([], "all parameters", additional: .any()), required: true),
        .init("model", .string(), required: true),
        .init("provider", .string("local, a remote provider, or import:<tool>"), required: true),
        .init("seed", .integer()),
        .init("status", .enumeration(["queued", "running", "succeeded", "failed", "canceled"]), required: true),
        .init("error", .string()),
        .init("createdAt", .integer("ms since the epoch"), required: true),
        .init("completedAt", .integer("ms since the epoch")),
        .init("durationMs", .integer(minimum: 0)),
    ])

    public static let example = GalleryGeneration(id: "gen_01J0000000000000000000000", prompt: "a red fox in snow",
                                                  params: ["steps": 20, "cfgScale": 7.0], model: "sd15", seed: 42,
                                                  createdAt: 1_767_225_600_000)
}
