/// `job.cancel`: stop a waiting or running job.
public enum JobCancel: RPCMethod {
    public static let method = "job.cancel"
    public static let summary = "Cancel a queued, paused or running job; a running one stops after its current step."
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]

    public typealias Params = JobGet.Params
    public typealias Result = JobInfo

    public static let params = JobGet.params
    public static let result = JobInfo.schema
    public static let exampleParams = JobGet.exampleParams
    public static let exampleResult = JobInfo(id: "job_01J0000000000000000000000", kind: "generate", status: "canceled", priority: 0,
                                              attempts: 1, maxAttempts: 3, createdAt: 1_767_225_600_000, finishedAt: 1_767_225_600_500)
}
