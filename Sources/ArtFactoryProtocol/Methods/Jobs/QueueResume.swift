/// `queue.resume`: start jobs again after `queue.pause`.
public enum QueueResume: RPCMethod {
    public static let method = "queue.resume"
    public static let summary = "Resume the queue after queue.pause; waiting jobs start in order."

    public typealias Params = NoParams
    public typealias Result = QueuePause.Result

    public static let params: [Schema.Property] = []
    public static let result = QueuePause.result
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(paused: false, queued: 3)
}
