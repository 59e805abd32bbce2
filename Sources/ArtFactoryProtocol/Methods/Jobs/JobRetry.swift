/// `job.retry`: run a failed or canceled job again.
public enum JobRetry: RPCMethod {
    public static let method = "job.retry"
    public static let summary = "Queue a failed or canceled job again, at the end of the queue, with a fresh attempt count."
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]

    public typealias Params = JobGet.Params
    public typealias Result = JobInfo

    public static let params = JobGet.params
    public static let result = JobInfo.schema
    public static let exampleParams = JobGet.exampleParams
    public static let exampleResult = JobInfo(id: "job_01J0000000000000000000000", kind: "generate", status: "queued", priority: 0,
                                              attempts: 0, maxAttempts: 3, createdAt: 1_767_225_600_000)
}
