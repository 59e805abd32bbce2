import ArtFactoryJSON
import GRDB

/// Queue state of a job.
public enum JobStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case queued, running, succeeded, failed, canceled, paused

    /// Whether the job is over (succeeded, failed or canceled).
    public var isFinished: Bool { self == .succeeded || self == .failed || self == .canceled }
}

/// A persisted queue entry (generation, import, export...). Claim order: highest `priority`
/// first, then lowest `position` (enqueue order unless reordered).
public struct Job: CatalogRecord, Identifiable {
    public static let databaseTableName = "jobs"
    /// `job_` id.
    public var id: String
    /// What to run, for example `generate`, `import`, `export`.
    public var kind: String
    public var status: JobStatus
    public var priority: Int
    public var position: Int64
    public var params: CatalogJSON
    /// Last reported progress (free-form JSON object), if any.
    public var progress: CatalogJSON?
    /// Times it was claimed.
    public var attempts: Int
    public var maxAttempts: Int
    public var error: String?
    /// The wire error code of a failure (JSON-RPC or application code), when known.
    public var errorCode: Int?
    /// What a finished job produced (free-form JSON object; import and export outcomes).
    public var result: CatalogJSON?
    public var createdAt: Int64
    public var startedAt: Int64?
    public var finishedAt: Int64?

    public init(id: String = CatalogID.make(.job), kind: String, status: JobStatus = .queued, priority: Int = 0,
                position: Int64 = 0, params: CatalogJSON = .object([:]), progress: CatalogJSON? = nil,
                attempts: Int = 0, maxAttempts: Int = 3, error: String? = nil, errorCode: Int? = nil, result: CatalogJSON? = nil, createdAt: Int64,
                startedAt: Int64? = nil, finishedAt: Int64? = nil) {
        self.id = id
        self.kind = kind
        self.status = status
        self.priority = priority
        self.position = position
        self.params = params
        self.progress = progress
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.error = error
        self.errorCode = errorCode
        self.result = result
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
