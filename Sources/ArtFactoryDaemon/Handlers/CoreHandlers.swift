import ArtFactoryIPC
import ArtFactoryProtocol

/// daemon.*, events.*, rpc.discover: the process itself, given as closures so this group holds
/// no reference to ``Daemon``.
struct CoreHandlers: HandlerGroup {
    let events: EventBus
    /// The `daemon.status` snapshot (loop thread).
    let status: () -> DaemonStatus.Result
    /// Starts a graceful shutdown on the next loop turn, with the reason given.
    let shutdown: (String) -> Void

    func register(in table: MethodTable) {
        table.register(DaemonStatus.self, on: .loop) { _, _ in status() }
        table.register(DaemonShutdown.self, on: .loop) { params, _ in
            // Reply first; shutdown starts on the next loop turn.
            shutdown(params.reason.map { "daemon.shutdown: \($0)" } ?? "daemon.shutdown")
            return DaemonShutdown.Result(stopping: true)
        }
        table.register(EventsSubscribe.self, on: .loop) { params, ctx in
            EventsSubscribe.Result(topics: try events.subscribe(ctx.connection, topics: params.topics))
        }
        table.register(EventsUnsubscribe.self, on: .loop) { params, ctx in
            EventsUnsubscribe.Result(topics: events.unsubscribe(ctx.connection, topics: params.topics))
        }
        // On a worker: the document is large (every method's schemas) and serializing it would stall the loop.
        table.register(RPCDiscover.self, on: .worker) { [unowned table] _, _ in table.openRPC() }
    }
}
