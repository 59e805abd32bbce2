import ArtFactoryJSON
import GRDB

/// Lifecycle of a generation.
public enum GenerationStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case queued, running, succeeded, failed, canceled
}

/// One generation request and its outcome: prompt, all parameters, model, timing and cost.
/// Generations form a lineage tree through `parentGenerationId` (variations, img2img, upscales).
public struct Generation: CatalogRecord, Identifiable {
    public static let databaseTableName = "generations"
    /// `gen_` id.
    public var id: String
    public var sessionId: String?
    /// The generation this one was derived from, if any (`nil` for roots).
    public var parentGenerationId: String?
    public var projectId: String?
    public var prompt: String
    public var negativePrompt: String
    /// Every parameter as given to the provider (a JSON object: steps, cfg, size, sampler, ...).
    public var params: CatalogJSON
    public var model: String
    /// `local`, `fal`, `replicate`, `civitai`, `import`, ...
    public var provider: String
    public var seed: Int64?
    public var status: GenerationStatus
    public var error: String?
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    public var startedAt: Int64?
    public var completedAt: Int64?
    public var durationMs: Int64?
    /// Provider cost in US dollars, if known.
    public var cost: Double?
    /// The queue job that ran it (`job_` id).
    public var jobId: String?
    public var batchId: String?
    /// The provider's own id for remote runs.
    public var remoteId: String?

    public init(id: String = CatalogID.make(.generation), sessionId: String? = nil, parentGenerationId: String? = nil,
                projectId: String? = nil, prompt: String, negativePrompt: String = "", params: CatalogJSON = .object([:]),
                model: String = "", provider: String = "local", seed: Int64? = nil,
                status: GenerationStatus = .succeeded, error: String? = nil, createdAt: Int64,
                startedAt: Int64? = nil, completedAt: Int64? = nil, durationMs: Int64? = nil, cost: Double? = nil,
                jobId: String? = nil, batchId: String? = nil, remoteId: String? = nil) {
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
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.durationMs = durationMs
        self.cost = cost
        self.jobId = jobId
        self.batchId = batchId
        self.remoteId = remoteId
    }
}
