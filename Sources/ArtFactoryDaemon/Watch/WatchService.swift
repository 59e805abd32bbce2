import ArtFactoryCatalog
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Logging

/// Watched folders: new image files that appear in them are imported into the gallery.
///
/// How a file gets in: a libuv file-system event (or the start of the watch, or a periodic rescan)
/// only says that *something* changed, so the folder is rescanned. Each candidate file (`.png`,
/// `.jpg`, `.jpeg`, `.webp`, not hidden, a regular file directly in the folder) is observed by size
/// and modification time; once both stayed the same for the settle interval the file is read and
/// checked for completeness (``ImageCompleteness``). An incomplete file is looked at again later —
/// never imported half-written and never reported as an error; a complete one goes through
/// ``GalleryImporter`` (which decodes it fully, reads it again and compares hashes, and links files
/// whose SHA-256 is already stored). Each outcome is written to the watch's ledger with the file's
/// size and mtime, so a file is handled once, also across restarts, without hashing it again.
///
/// Threads: libuv handles live on the loop thread; scans and imports run one at a time on a serial
/// utility queue, off the loop; the RPC methods run on worker threads. Watch state is guarded by
/// `lock`, except `Watch.handle`, which only the loop thread touches.
final class WatchService: @unchecked Sendable {
    /// One watch's state in memory.
    final class Watch: @unchecked Sendable {
        var record: WatchRecord
        var ledger: [String: WatchLedgerEntry]
        var candidates: [String: Observation] = [:]
        /// `watching`, `missing` or `error`.
        var status = "watching"
        var lastError: String?
        var scanScheduled = false
        var removed = false
        /// The libuv registration and the folder (device, inode) it watches. Loop thread only.
        var handle: LoopHandle?
        var handleInode: (UInt64, UInt64)?

        init(record: WatchRecord, ledger: [String: WatchLedgerEntry]) {
            self.record = record
            self.ledger = ledger
        }
    }

    /// A file seen with this size and mtime since `since` (monotonic ms); not read before `retryAt`.
    struct Observation {
        var size: Int64
        var mtimeNs: Int64
        var since: UInt64
        var retryAt: UInt64 = 0
    }

    static let maxWatches = 64
    /// Events within this many milliseconds become one rescan.
    static let debounceMs: UInt64 = 50
    /// A file that stays incomplete and unchanged this long is handed to the decoder, which then
    /// reports why it is not an image (so a damaged export does not stay pending forever).
    static let staleIncompleteMs: UInt64 = 60_000
    /// Missing folders and broken watches are checked every tick; every folder is rescanned every
    /// `rescanEveryTicks` ticks, in case the kernel dropped events (inotify queue overflow).
    static let tickMs: UInt64 = 2_000
    static let rescanEveryTicks = 15

    let loop: EventLoop
    let gallery: GalleryService
    let store: WatchStore
    let events: EventBus
    let logger: Logger
    let clientPaths: ClientPath
    /// How long a file's size and mtime must stay put before it is read (config `watchSettleMs`).
    let settleMs: UInt64
    private let queue = DispatchQueue(label: "artfactory.watch", qos: .utility)
    private let lock = NSLock()
    private var watches: [String: Watch] = [:]
    private var stopping = false
    private var ticks = 0
    /// Left once the persisted watches are loaded; the RPC methods wait for it, so a client that
    /// connects right after start-up never sees an empty or half-loaded list.
    private let loading = DispatchGroup()

    init(loop: EventLoop, gallery: GalleryService, events: EventBus, logger: Logger, clientPaths: ClientPath, settleMs: Int) {
        self.loop = loop
        self.gallery = gallery
        self.store = WatchStore(catalog: gallery.catalog)
        self.events = events
        self.logger = logger
        self.clientPaths = clientPaths
        self.settleMs = UInt64(settleMs)
        loading.enter()
    }

    // MARK: - Life cycle

    /// Starts the periodic check and loads the persisted watches (in the background, so the socket
    /// answers at once). Call on the loop's thread before or while it runs.
    func start() {
        loop.repeating(everyMs: WatchService.tickMs) { [self] in tick() }
        queue.async { [self] in load() }
    }

    /// Stops scanning (shutdown); an import in progress finishes, nothing new starts.
    func stop() {
        lock.withLock { stopping = true }
    }

    private func load() {
        defer { loading.leave() }
        let loaded: (records: [WatchRecord], unreadable: [String])
        do { loaded = try store.loadWatches() } catch {
            logger.error("cannot read watched folders from the catalog; none are watched", metadata: ["error": .string("\(error)")])
            return
        }
        for key in loaded.unreadable {
            logger.error("ignoring an unreadable watch record; remove it with watch.remove or re-add the folder", metadata: ["key": .string(key)])
        }
        for record in loaded.records {
            let ledger: [String: WatchLedgerEntry]
            do { ledger = try store.loadLedger(record.id) } catch {
                logger.error("cannot read a watch's ledger; files will be hashed again (duplicates are linked)",
                             metadata: ["watch": .string(record.id), "error": .string("\(error)")])
                ledger = [:]
            }
            lock.withLock { watches[record.id] = Watch(record: record, ledger: ledger) }
            logger.info("resuming folder watch", metadata: ["watch": .string(record.id), "dir": .string(record.dir)])
            scheduleScan(record.id, afterMs: 0)
        }
    }

    /// Loop thread, every `tickMs`.
    private func tick() {
        let ids: [String] = lock.withLock {
            ticks += 1
            let all = ticks % WatchService.rescanEveryTicks == 0
            return watches.values.filter { all || $0.status != "watching" }.map(\.record.id)
        }
        for id in ids { scheduleScan(id, afterMs: 0) }
    }

    // MARK: - RPC

    /// `watch.add`. - Throws: `RPCError` (path not allowed, not a folder, not owned, project not found,
    /// already watched, too many watches); nothing changes then.
    func add(_ p: WatchAdd.Params) throws -> WatchInfo {
        loading.wait()
        let dir = try clientPaths.existing(p.dir, what: "The folder to watch")
        var st = stat()
        guard stat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw RPCError.invalidParams("'\(p.dir)' is not a folder; pass the folder your exports are saved to.", field: "dir")
        }
        guard st.st_uid == getuid() else {
            throw GalleryError.pathNotAllowed("'\(dir)' belongs to another user (uid \(st.st_uid)); watch a folder you own.")
        }
        let role = p.as ?? "image"
        guard role == "image" || role == "input" else {
            throw RPCError.invalidParams("as must be image or input; got '\(role)'.", field: "as")
        }
        let tags = try (p.tags ?? []).map(WatchService.tagName)
        _ = try GalleryError.mapped { try gallery.catalog.project(p.projectId) }
        let record = WatchRecord(id: CatalogID.make(.watch), dir: dir, projectId: p.projectId, tags: Array(Set(tags)).sorted(),
                                 role: role, createdAt: CatalogClock.now())
        let watch = Watch(record: record, ledger: [:])
        lock.lock()
        do {
            defer { lock.unlock() }
            if let existing = watches.values.first(where: { $0.record.dir == dir }) {
                throw RPCError.conflict("'\(dir)' is already watched (\(existing.record.id)); stop that watch first (watch.remove) to change it.")
            }
            guard watches.count < WatchService.maxWatches else {
                throw RPCError(code: RPCErrorCode.limitExceeded,
                               message: "At most \(WatchService.maxWatches) folders can be watched; stop one first (watch.remove).")
            }
            try GalleryError.mapped { try store.save(record) }
            watches[record.id] = watch
        }
        logger.notice("watching a folder", metadata: ["watch": .string(record.id), "dir": .string(dir), "as": .string(role)])
        scheduleScan(record.id, afterMs: 0)
        return lock.withLock { info(watch) }
    }

    /// `watch.list`, oldest first.
    func list() -> [WatchInfo] {
        loading.wait()
        return lock.withLock { watches.values.sorted { $0.record.id < $1.record.id }.map(info) }
    }

    /// `watch.remove` by id or folder. Waits for an import in progress to finish, then forgets the
    /// watch and its ledger. - Throws: invalid params, not found.
    func remove(_ p: WatchRemove.Params) throws -> WatchRemove.Result {
        loading.wait()
        guard (p.id == nil) != (p.dir == nil) else {
            throw RPCError.invalidParams("Pass either the watch id (id) or the watched folder (dir), not both or neither.")
        }
        let resolvedDir = p.dir.map { ClientPath.resolve($0) ?? $0 }
        let watch: Watch = try lock.withLock {
            let found = watches.values.first { w in
                if let id = p.id { return w.record.id == id }
                return w.record.dir == resolvedDir || w.record.dir == p.dir
            }
            guard let found else {
                if let id = p.id { throw RPCError.notFound("watch", id) }
                throw RPCError(code: RPCErrorCode.notFound, message: "No watch for the folder '\(p.dir ?? "")'; see watch.list.")
            }
            found.removed = true
            watches[found.record.id] = nil
            return found
        }
        let id = watch.record.id
        loop.execute { watch.handle?.close(); watch.handle = nil }
        try queue.sync { try GalleryError.mapped { try store.remove(id) } }
        logger.notice("stopped watching a folder", metadata: ["watch": .string(id), "dir": .string(watch.record.dir)])
        return WatchRemove.Result(removed: id, dir: watch.record.dir)
    }

    /// How many folders are watched. Any thread.
    var count: Int { lock.withLock { watches.count } }

    /// The wire form. Caller holds `lock`.
    private func info(_ w: Watch) -> WatchInfo {
        let r = w.record
        return WatchInfo(id: r.id, dir: r.dir, projectId: r.projectId, tags: r.tags, as: r.role, status: w.status,
                         imported: r.imported, duplicates: r.duplicates, failed: r.failed, pending: w.candidates.count,
                         lastError: w.lastError, lastImportAt: r.lastImportAt.map { Timestamp.iso8601(Double($0) / 1000) },
                         createdAt: Timestamp.iso8601(Double(r.createdAt) / 1000))
    }

    static func tagName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw RPCError.invalidParams("Tag names must be 1-200 characters without control characters; got '\(raw)'.", field: "tags")
        }
        return name
    }

    // MARK: - Scanning

    /// Asks for a rescan of `id` after `afterMs` unless one is already scheduled. Any thread.
    func scheduleScan(_ id: String, afterMs: UInt64) {
        let go: Bool = lock.withLock {
            guard !stopping, let w = watches[id], !w.scanScheduled else { return false }
            w.scanScheduled = true
            return true
        }
        guard go else { return }
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(afterMs))) { [self] in scan(id) }
    }

    /// The folder-event callback (loop thread).
    private func folderChanged(_ id: String, status: Int32) {
        if status < 0, let w = lock.withLock({ watches[id] }) {
            // The kernel watch broke (folder removed or moved); the next scan starts a new one.
            w.handle?.close()
            w.handle = nil
            w.handleInode = nil
        }
        scheduleScan(id, afterMs: WatchService.debounceMs)
    }

    /// Starts, restarts or stops the libuv watch to match the folder. Hops to the loop thread.
    private func syncHandle(_ id: String, dir: String, inode: (UInt64, UInt64)?) {
        loop.execute { [self] in
            guard let w = lock.withLock({ watches[id] }), !w.removed else { return }
            if let h = w.handle, inode == nil || w.handleInode.map({ $0 != inode! }) == true {
                h.close()
                w.handle = nil
                w.handleInode = nil
            }
            guard let inode, w.handle == nil else { return }
            do {
                w.handle = try loop.watchFolder(dir) { [weak self] _, status in self?.folderChanged(id, status: status) }
                w.handleInode = inode
                lock.withLock { if w.status == "error" { w.status = "watching"; w.lastError = nil } }
                // Files may have appeared between the scan and now.
                scheduleScan(id, afterMs: WatchService.debounceMs)
            } catch {
                let message = "cannot receive file events for \(dir) (\(error)); it is rescanned every \(WatchService.tickMs / 1000) s instead"
                lock.withLock { w.status = "error"; w.lastError = message }
                logger.error("\(message)", metadata: ["watch": .string(id)])
            }
        }
    }

    private static func monotonicMs() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }

    private enum Step {
        case skip
        case wait(UInt64)
        case ready(Observation)
    }

    /// One pass over the folder (watch queue).
    private func scan(_ id: String) {
        guard let w: Watch = lock.withLock({
            guard !stopping, let w = watches[id] else { return nil }
            w.scanScheduled = false
            return w
        }) else { return }
        let dir = w.record.dir
        var st = stat()
        guard stat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            let wasMissing = lock.withLock { () -> Bool in
                let was = w.status == "missing"
                w.status = "missing"
                w.lastError = "The folder \(dir) is missing; it is watched again once it is back (or stop the watch with watch.remove)."
                w.candidates.removeAll()
                return was
            }
            if !wasMissing { logger.warning("a watched folder is missing; waiting for it to come back", metadata: ["watch": .string(id), "dir": .string(dir)]) }
            syncHandle(id, dir: dir, inode: nil)
            return
        }
        let cameBack = lock.withLock { () -> Bool in
            guard w.status == "missing" else { return false }
            w.status = "watching"
            w.lastError = nil
            return true
        }
        if cameBack { logger.notice("a watched folder is back", metadata: ["watch": .string(id), "dir": .string(dir)]) }
        syncHandle(id, dir: dir, inode: (UInt64(st.st_dev), UInt64(st.st_ino)))

        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
            lock.withLock { w.lastError = "cannot list \(dir): \(error.localizedDescription); check its permissions." }
            return
        }
        var present = Set<String>()
        var nextCheck: UInt64?
        func later(_ ms: UInt64) { nextCheck = min(nextCheck ?? ms, ms) }
        for name in names.sorted() where !name.hasPrefix(".") && GalleryImporter.extensions.contains((name as NSString).pathExtension.lowercased()) {
            if lock.withLock({ stopping || w.removed }) { return }
            let path = dir + "/" + name
            var fs = stat()
            guard lstat(path, &fs) == 0, (fs.st_mode & S_IFMT) == S_IFREG else { continue }
            present.insert(name)
            let size = Int64(fs.st_size)
            let mtime = Int64(fs.st_mtim.tv_sec) * 1_000_000_000 + Int64(fs.st_mtim.tv_nsec)
            let now = WatchService.monotonicMs()
            let step: Step = lock.withLock {
                if let done = w.ledger[name], done.size == size, done.mtimeNs == mtime {
                    w.candidates[name] = nil
                    return .skip
                }
                if let o = w.candidates[name], o.size == size, o.mtimeNs == mtime {
                    let settled = o.since + settleMs
                    if now >= settled && now >= o.retryAt { return .ready(o) }
                    return .wait(max(settled, o.retryAt) - now)
                }
                w.candidates[name] = Observation(size: size, mtimeNs: mtime, since: now)
                return .wait(settleMs)
            }
            switch step {
            case .skip: continue
            case .wait(let ms): later(ms)
            case .ready(let o): if let retry = handle(w, name: name, path: path, observed: o) { later(retry) }
            }
        }
        // Forget files that are gone: pending ones, and ledger entries (a new file of that name is new).
        let vanished: [String] = lock.withLock {
            w.candidates = w.candidates.filter { present.contains($0.key) }
            let gone = w.ledger.keys.filter { !present.contains($0) }
            for name in gone { w.ledger[name] = nil }
            return w.removed ? [] : gone
        }
        for name in vanished {
            do { try store.forget(name: name, watchId: id) } catch {
                logger.warning("cannot update a watch's ledger", metadata: ["watch": .string(id), "error": .string("\(error)")])
            }
        }
        if let nextCheck { scheduleScan(id, afterMs: nextCheck) }
    }

    /// Reads a settled file and imports it when complete. Returns when to look again, or nil when done.
    private func handle(_ w: Watch, name: String, path: String, observed o: Observation) -> UInt64? {
        let now = WatchService.monotonicMs()
        let retryMs = max(settleMs, 1_000)
        guard let data = FileManager.default.contents(atPath: path) else {
            lock.withLock {
                w.candidates[name]?.retryAt = now + retryMs
                w.lastError = "\(name) could not be read; check its permissions."
            }
            return retryMs
        }
        var after = stat()
        let unchanged = lstat(path, &after) == 0 && Int64(after.st_size) == o.size && Int64(data.count) == o.size
            && Int64(after.st_mtim.tv_sec) * 1_000_000_000 + Int64(after.st_mtim.tv_nsec) == o.mtimeNs
        guard unchanged else {
            // Written to while we read it: observe it afresh.
            lock.withLock { w.candidates[name] = nil }
            return settleMs
        }
        switch ImageCompleteness.check(data) {
        case .incomplete where now - o.since < WatchService.staleIncompleteMs:
            lock.withLock { w.candidates[name]?.retryAt = now + retryMs }
            return retryMs
        case .invalid(let why):
            record(w, name: name, observed: o, outcome: "failed", assetId: nil, error: "\(name) was not imported: \(why).")
            return nil
        case .complete, .incomplete:
            return importFile(w, name: name, path: path, observed: o)
        }
    }

    /// Imports one complete file through the gallery importer and records the outcome.
    private func importFile(_ w: Watch, name: String, path: String, observed o: Observation) -> UInt64? {
        let r = lock.withLock { w.record }
        var importer = GalleryImporter(gallery: gallery, clientPaths: clientPaths)
        importer.role = r.role == "input" ? .input : .output
        let params = GalleryImport.Params(paths: [path], projectId: r.projectId, tags: r.tags.isEmpty ? nil : r.tags, skipInvalid: true)
        do {
            let result = try importer.run(params) { _, _, _, _ in }
            guard let item = result.items.first else { return settleMs }
            if item.status == "failed" {
                let why = item.error ?? "it is not a valid image"
                record(w, name: name, observed: o, outcome: "failed", assetId: nil, error: "\(name) was not imported: \(why)")
            } else {
                record(w, name: name, observed: o, outcome: item.status, assetId: item.id, error: nil)
            }
            return nil
        } catch {
            // The project was deleted, the catalog is busy, the file vanished: keep it pending, say why.
            let e = GalleryError.rpc(error)
            let retryMs: UInt64 = 30_000
            lock.withLock {
                w.candidates[name]?.retryAt = WatchService.monotonicMs() + retryMs
                w.lastError = "\(name) is waiting: \(e.message)"
            }
            logger.warning("a watched file could not be imported yet; retrying", metadata: [
                "watch": .string(r.id), "file": .string(path), "error": .string(e.message)])
            return retryMs
        }
    }

    /// Writes the outcome to the ledger and counters, then tells subscribers.
    private func record(_ w: Watch, name: String, observed o: Observation, outcome: String, assetId: String?, error: String?) {
        let entry = WatchLedgerEntry(name: name, size: o.size, mtimeNs: o.mtimeNs, outcome: outcome, assetId: assetId, error: error)
        let updated: WatchRecord? = lock.withLock {
            guard !w.removed else { return nil }
            w.ledger[name] = entry
            w.candidates[name] = nil
            switch outcome {
            case "imported": w.record.imported += 1; w.record.lastImportAt = CatalogClock.now()
            case "duplicate": w.record.duplicates += 1; w.record.lastImportAt = CatalogClock.now()
            default: w.record.failed += 1; w.lastError = error
            }
            return w.record
        }
        guard let updated else { return }
        do {
            try store.save(entry, watchId: updated.id)
            try store.save(updated)
        } catch {
            logger.error("cannot record a watched file in the catalog; it may be looked at again after a restart",
                         metadata: ["watch": .string(updated.id), "file": .string(name), "error": .string("\(error)")])
        }
        let path = updated.dir + "/" + name
        // During shutdown the loop may be gone; the ledger above is what matters then.
        guard !lock.withLock({ stopping }) else { return }
        if let error {
            logger.warning("a watched file is not an image", metadata: ["watch": .string(updated.id), "error": .string(error)])
            events.publish(topic: EventTopic.gallery, method: "watch.failed", params: .object(JSONObject([
                ("watchId", .string(updated.id)), ("path", .string(path)), ("error", .string(error))])))
        } else {
            logger.info("imported a watched file", metadata: ["watch": .string(updated.id), "file": .string(path), "outcome": .string(outcome)])
            events.publish(topic: EventTopic.gallery, method: "watch.imported", params: .object(JSONObject([
                ("watchId", .string(updated.id)), ("path", .string(path)), ("status", .string(outcome)),
                ("id", assetId.map { .string($0) } ?? .null), ("as", .string(updated.role))])))
        }
    }
}
