/// `job.list`: jobs in the order they run.
public enum JobList: RPCMethod {
    public static let method = "job.list"
    public static let summary = "List jobs in run order (priority, then queue position), optionally only some statuses."

    public struct Params: Codable, Sendable, Equatable {
        /// Only these statuses (queued, running, paused, succeeded, failed, canceled); absent = all.
        public var status: [String]?
        /// At most this many (1…1000, default 100).
        public var limit: Int?
        public init(status: [String]? = nil, limit: Int? = nil) {
            self.status = status
            self.limit = limit
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var jobs: [JobInfo]
        /// Whether the queue is paused (`queue.pause`).
        public var paused: Bool
        public init(jobs: [JobInfo], paused: Bool) {
            self.jobs = jobs
            self.paused = paused
        }
    }

    public static let params: [Schema.Property] = [
        .init("status", .array(.enumeration(["queued", "running", "paused", "succeeded", "failed", "canceled"]), "statuses to include", maxItems: 6)),
        .init("limit", .integer("maximum jobs", minimum: 1, maximum: 1000)),
    ]
    public static let result = Schema.object([
        .init("jobs", .array(JobInfo.schema), required: true),
        .init("paused", .boolean("queue paused"), required: true),
    ])
    public static let exampleParams = Params(status: ["queued", "running"], limit: 50)
    public static let exampleResult = Result(jobs: [JobInfo.example], paused: false)
}
