/// `queue.reorder`: move a waiting job, or change its priority.
public enum QueueReorder: RPCMethod {
    public static let method = "queue.reorder"
    public static let summary = "Move a waiting job to a place in the queue (0 = next) among jobs of its priority."
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]

    public struct Params: Codable, Sendable, Equatable {
        /// The job id.
        public var id: String
        /// New index among waiting jobs of the same priority (0 = next).
        public var index: Int
        public init(id: String, index: Int) {
            self.id = id
            self.index = index
        }
    }

    public typealias Result = JobList.Result

    public static let params: [Schema.Property] = [
        .init("id", .string("job id"), required: true),
        .init("index", .integer("new place, 0 = next", minimum: 0), required: true),
    ]
    public static let result = JobList.result
    public static let exampleParams = Params(id: "job_01J0000000000000000000000", index: 0)
    public static let exampleResult = JobList.Result(jobs: [], paused: false)
}
