import ArtFactoryProtocol
import Foundation

extension Daemon {
    /// watch.add, watch.list, watch.remove over the ``WatchService``; the watches themselves start
    /// with the loop (``run()``) and stop scanning when shutdown begins.
    func registerWatchMethods() {
        let service = WatchService(loop: loop, gallery: gallery, events: events, logger: logger,
                                   clientPaths: ClientPath(daemonHome: paths.home), settleMs: config.watchSettleMs)
        watchService = service
        table.register(WatchAdd.self, on: .worker) { p, _ in try service.add(p) }
        table.register(WatchList.self, on: .worker) { _, _ in WatchList.Result(watches: service.list()) }
        table.register(WatchRemove.self, on: .worker) { p, _ in try service.remove(p) }
        shutdownHooks.append { service.stop() }
        counters["watches"] = { Int64(service.count) }
    }
}
