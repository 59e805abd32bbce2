/// `daemon.shutdown`: stop the daemon cleanly (as SIGTERM does).
public enum DaemonShutdown: RPCMethod {
    public static let method = "daemon.shutdown"
    public static let summary = "Stop accepting connections, persist or finish work in flight, and exit."
    public static let details = "The answer is sent before the daemon closes connections. Subscribers receive a `daemon.stopping` notification."

    public struct Params: Codable, Sendable, Equatable {
        /// Optional reason, written to the log.
        public var reason: String?
        public init(reason: String? = nil) { self.reason = reason }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Always true: the daemon is stopping.
        public var stopping: Bool
        public init(stopping: Bool) { self.stopping = stopping }
    }

    public static let params: [Schema.Property] = [.init("reason", .string("why, for the log", maxLength: 200))]
    public static let result = Schema.object([.init("stopping", .boolean("true: the daemon is stopping"), required: true)])
    public static let exampleParams = Params(reason: "upgrade")
    public static let exampleResult = Result(stopping: true)
}
