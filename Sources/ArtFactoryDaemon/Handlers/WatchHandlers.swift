import ArtFactoryProtocol
import Foundation

/// watch.add, watch.list, watch.remove over the ``WatchService`` (which ``DaemonServices`` starts
/// with the loop and stops when shutdown begins).
struct WatchHandlers: HandlerGroup {
    let service: WatchService

    func register(in table: MethodTable) {
        table.register(WatchAdd.self, on: .worker) { p, _ in try service.add(p) }
        table.register(WatchList.self, on: .worker) { _, _ in WatchList.Result(watches: service.list()) }
        table.register(WatchRemove.self, on: .worker) { p, _ in try service.remove(p) }
    }
}
