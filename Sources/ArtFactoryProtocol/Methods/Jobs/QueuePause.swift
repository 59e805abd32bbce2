/// `queue.pause`: stop starting jobs (the running one finishes).
public enum QueuePause: RPCMethod {
    public static let method = "queue.pause"
    public static let summary = "Pause the queue: the running job finishes, no further job starts until queue.resume."
    public static let details = "The paused state is kept in the catalog, so it survives a restart."

    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Equatable {
        /// Whether the queue is now paused.
        public var paused: Bool
        /// Jobs waiting to run.
        public var queued: Int
        public init(paused: Bool, queued: Int) {
            self.paused = paused
            self.queued = queued
        }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([
        .init("paused", .boolean("queue paused"), required: true),
        .init("queued", .integer("jobs waiting", minimum: 0), required: true),
    ])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(paused: true, queued: 3)
}
