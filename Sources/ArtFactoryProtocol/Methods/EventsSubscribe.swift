/// Event topics a connection can subscribe to; each topic's notifications use methods named `<topic>.*`.
public enum EventTopic {
    /// Daemon lifecycle: `daemon.stopping`, `daemon.configReloaded`.
    public static let daemon = "daemon"
    /// Job progress and state: `job.progress`, `job.state` (generation, batches, import, export).
    public static let job = "job"
    /// Gallery changes: `gallery.added`, `gallery.removed`, `gallery.changed`, and `watch.imported` /
    /// `watch.status` from watched folders.
    public static let gallery = "gallery"

    public static let all = [daemon, job, gallery]
}

/// `events.subscribe`: receive notifications for topics on this connection.
public enum EventsSubscribe: RPCMethod {
    public static let method = "events.subscribe"
    public static let summary = "Subscribe this connection to event topics; notifications then arrive as JSON-RPC notifications."
    public static let details = "Topics: daemon, job, gallery. `*` subscribes to all. Subscriptions end with the connection."

    public struct Params: Codable, Sendable, Equatable {
        public var topics: [String]
        public init(topics: [String]) { self.topics = topics }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// All topics this connection is now subscribed to, sorted.
        public var topics: [String]
        public init(topics: [String]) { self.topics = topics }
    }

    public static let params: [Schema.Property] = [
        .init("topics", .array(.string("a topic name or *"), "topics to add", maxItems: 16), required: true),
    ]
    public static let result = Schema.object([.init("topics", .array(.string()), required: true)])
    public static let exampleParams = Params(topics: ["job"])
    public static let exampleResult = Result(topics: ["job"])
}

/// `events.unsubscribe`: stop receiving notifications for topics.
public enum EventsUnsubscribe: RPCMethod {
    public static let method = "events.unsubscribe"
    public static let summary = "Unsubscribe this connection from some topics, or from all when `topics` is absent."

    public struct Params: Codable, Sendable, Equatable {
        public var topics: [String]?
        public init(topics: [String]? = nil) { self.topics = topics }
    }

    public typealias Result = EventsSubscribe.Result

    public static let params: [Schema.Property] = [
        .init("topics", .array(.string(), "topics to remove; absent = all", maxItems: 16)),
    ]
    public static let result = EventsSubscribe.result
    public static let exampleParams = Params(topics: ["job"])
    public static let exampleResult = Result(topics: [])
}
