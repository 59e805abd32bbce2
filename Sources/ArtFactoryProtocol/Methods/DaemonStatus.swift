/// `daemon.status`: who is answering, since when, and how busy it is.
public enum DaemonStatus: RPCMethod {
    public static let method = "daemon.status"
    public static let summary = "Report the daemon's version, uptime, process, locations and counters."
    public static let details = "Cheap: answered on the event loop without touching the disk. `counts` grows as services are added; clients should ignore keys they do not know."

    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Equatable {
        /// ArtFactory version string.
        public var version: String
        /// Process id of the daemon.
        public var pid: Int32
        /// Seconds since the daemon started (fractional).
        public var uptimeSeconds: Double
        /// Start time, ISO 8601 UTC.
        public var startedAt: String
        /// Data directory (`ARTFACTORY_HOME` or the XDG data dir).
        public var home: String
        /// Path of the Unix socket the daemon listens on.
        public var socket: String
        /// Counters: connections, subscribers, requests served, and per-service totals.
        public var counts: [String: Int64]
        /// Each remote provider's reachability as last seen (provider name → state).
        public var providers: [String: ProviderReachabilityInfo]?

        public init(version: String, pid: Int32, uptimeSeconds: Double, startedAt: String, home: String, socket: String, counts: [String: Int64],
                    providers: [String: ProviderReachabilityInfo]? = nil) {
            self.providers = providers
            self.version = version
            self.pid = pid
            self.uptimeSeconds = uptimeSeconds
            self.startedAt = startedAt
            self.home = home
            self.socket = socket
            self.counts = counts
        }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([
        .init("version", .string("ArtFactory version"), required: true),
        .init("pid", .integer("daemon process id"), required: true),
        .init("uptimeSeconds", .number("seconds since start", minimum: 0), required: true),
        .init("startedAt", .string("start time, ISO 8601 UTC"), required: true),
        .init("home", .string("data directory"), required: true),
        .init("socket", .string("socket path"), required: true),
        .init("counts", .object([], "named counters (connections, subscribers, requests, …)", additional: .integer()), required: true),
        .init("providers", .object([], "remote providers' reachability by name", additional: ProviderReachabilityInfo.schema)),
    ])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(version: "0.1.0", pid: 4242, uptimeSeconds: 12.5, startedAt: "2026-01-01T00:00:00Z",
                                             home: "/home/me/.local/share/artfactory", socket: "/run/user/1000/artfactory/artfactoryd.sock",
                                             counts: ["connections": 1, "subscribers": 0, "requests": 10])
}
