import ArtFactoryIPC
import ArtFactoryProtocol

/// Topic subscriptions per connection, and fan-out of notifications to them.
///
/// State is touched on the loop thread only; `publish` may be called from any thread and hops
/// onto the loop. A slow subscriber only fills its own connection's queue (bounded by the server).
public final class EventBus: @unchecked Sendable {
    let loop: EventLoop
    private var subscriptions: [UInt64: (conn: Connection, topics: Set<String>)] = [:]

    init(loop: EventLoop) { self.loop = loop }

    /// Adds topics for `conn` and returns its whole set. Loop thread. - Throws: invalid params for unknown topics.
    func subscribe(_ conn: Connection, topics: [String]) throws -> [String] {
        var set = subscriptions[conn.id]?.topics ?? []
        for t in topics {
            if t == "*" { set.formUnion(EventTopic.all); continue }
            guard EventTopic.all.contains(t) else {
                throw RPCError.invalidParams("unknown topic '\(t)'; topics are \(EventTopic.all.joined(separator: ", ")) or *", field: "topics")
            }
            set.insert(t)
        }
        subscriptions[conn.id] = (conn, set)
        return set.sorted()
    }

    /// Removes topics (all when nil) for `conn`. Loop thread.
    func unsubscribe(_ conn: Connection, topics: [String]?) -> [String] {
        guard var entry = subscriptions[conn.id] else { return [] }
        if let topics {
            for t in topics { if t == "*" { entry.topics.removeAll() } else { entry.topics.remove(t) } }
        } else {
            entry.topics.removeAll()
        }
        subscriptions[conn.id] = entry.topics.isEmpty ? nil : entry
        return entry.topics.sorted()
    }

    /// Forgets a closed connection. Loop thread.
    func remove(_ conn: Connection) { subscriptions[conn.id] = nil }

    /// Connections with at least one topic. Loop thread.
    var subscriberCount: Int { subscriptions.count }

    /// Sends `method(params)` to every connection subscribed to `topic`. Any thread.
    public func publish(topic: String, method: String, params: JSONValue) {
        let line = JSONWriter.bytes(RPCNotification(method: method, params: params).jsonValue)
        let deliver: @Sendable () -> Void = { [self] in
            for (_, entry) in subscriptions where entry.topics.contains(topic) && !entry.conn.closed {
                entry.conn.send(line: line)
            }
        }
        if loop.inLoopThread { deliver() } else { loop.execute(deliver) }
    }
}
