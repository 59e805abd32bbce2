import ArtFactoryIPC
import ArtFactoryProtocol

extension Daemon {
    /// daemon.*, events.*, rpc.discover.
    func registerCoreMethods() {
        table.register(DaemonStatus.self, on: .loop) { [unowned self] _, _ in status() }
        table.register(DaemonShutdown.self, on: .loop) { [unowned self] params, _ in
            // Reply first; shutdown starts on the next loop turn.
            loop.after(ms: 0) { [self] in beginShutdown(reason: params.reason.map { "daemon.shutdown: \($0)" } ?? "daemon.shutdown") }
            return DaemonShutdown.Result(stopping: true)
        }
        table.register(EventsSubscribe.self, on: .loop) { [unowned self] params, ctx in
            EventsSubscribe.Result(topics: try events.subscribe(ctx.connection, topics: params.topics))
        }
        table.register(EventsUnsubscribe.self, on: .loop) { [unowned self] params, ctx in
            EventsUnsubscribe.Result(topics: events.unsubscribe(ctx.connection, topics: params.topics))
        }
        // On a worker: the document is large (every method's schemas) and serializing it would stall the loop.
        table.register(RPCDiscover.self, on: .worker) { [unowned self] _, _ in table.openRPC() }
    }
}
