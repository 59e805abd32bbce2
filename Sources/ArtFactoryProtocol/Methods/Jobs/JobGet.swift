/// `job.get`: one job with its progress and, once finished, its images.
public enum JobGet: RPCMethod {
    public static let method = "job.get"
    public static let summary = "Get a job: status, progress, error, and the images it produced."
    public static let details = "Poll this to follow a job without subscribing to the `job` topic."
    public static let errors = [RPCErrorCode.notFound]

    public struct Params: Codable, Sendable, Equatable {
        /// The job id.
        public var id: String
        public init(id: String) { self.id = id }
    }

    public typealias Result = JobInfo

    public static let params: [Schema.Property] = [.init("id", .string("job id"), required: true)]
    public static let result = JobInfo.schema
    public static let exampleParams = Params(id: "job_01J0000000000000000000000")
    public static let exampleResult = JobInfo.example
}
