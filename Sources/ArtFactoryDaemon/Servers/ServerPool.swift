import ArtFactoryProtocol
import Foundation
import Logging

/// The self-hosted servers of every kind (`comfyui`, `a1111`, `sdcpp`): their connections, what
/// each has (refreshed at most every ``catalogMaxAge`` seconds), how busy each is, and how each was
/// last reached. ``acquire(kind:model:avoid:stop:)`` hands out a slot on the least-loaded
/// reachable server that has the model, waiting while every such server is at its
/// `maxConcurrent`. Thread-safe.
final class ServerPool: @unchecked Sendable {
    /// One server and its live state (guarded by the pool's lock).
    final class Node: @unchecked Sendable {
        let connection: ServerConnection
        let maxConcurrent: Int
        var inFlight = 0
        var served = 0
        var reachability = ProviderReachability()
        var catalog: ServerCatalog?
        var catalogAt: Date?
        /// While set, acquire skips the server (it just failed); cleared by a successful probe.
        var downUntil: Date?

        init(connection: ServerConnection, maxConcurrent: Int) {
            self.connection = connection
            self.maxConcurrent = maxConcurrent
        }

        var label: String { connection.label }
    }

    /// A slot on one server, for one image; give it back with ``release(_:)``.
    struct Slot: Sendable {
        let node: Node
        /// The model as this server names it.
        let checkpoint: String
        /// The LoRAs asked for, as this server names them (same order).
        var loras: [String] = []
    }

    static let apis: [String: any ServerAPI] = ["comfyui": ComfyUIAPI(), "a1111": A1111API(), "sdcpp": SDCppAPI()]
    static let catalogMaxAge: Double = 60

    let http: HTTPClient
    let logger: Logger
    private let condition = NSCondition()
    private var nodes: [String: [Node]] = [:]
    private var profiles: [String: ProviderProfile] = [:]
    /// Where relative workflow files are found.
    let configDirectory: String

    init(config: DaemonConfig, http: HTTPClient, logger: Logger, configDirectory: String) {
        self.http = http
        self.logger = logger
        self.configDirectory = configDirectory
        reload(config)
    }

    /// Applies a (re)loaded config: servers whose entry is unchanged keep their state.
    func reload(_ config: DaemonConfig) {
        condition.lock()
        defer { condition.broadcast(); condition.unlock() }
        for kind in ProviderProfile.serverNames {
            let profile = ProviderProfile(name: kind, settings: config.providers[kind])
            profiles[kind] = profile
            let old = nodes[kind] ?? []
            nodes[kind] = profile.servers.map { entry in
                if let same = old.first(where: { $0.connection.entry == entry && $0.connection.timeout == profile.timeoutSeconds }) { return same }
                return Node(connection: ServerConnection(kind: kind, entry: entry, http: http, timeout: profile.timeoutSeconds),
                            maxConcurrent: entry.maxConcurrent ?? 1)
            }
        }
    }

    func profile(_ kind: String) -> ProviderProfile {
        condition.lock()
        defer { condition.unlock() }
        return profiles[kind] ?? ProviderProfile(name: kind, settings: nil)
    }

    func servers(_ kind: String) -> [Node] {
        condition.lock()
        defer { condition.unlock() }
        return nodes[kind] ?? []
    }

    static func api(_ kind: String) -> any ServerAPI { apis[kind]! }

    /// Images the pool of `kind` can make at once (the sum of `maxConcurrent`).
    func capacity(_ kind: String) -> Int { servers(kind).reduce(0) { $0 + $1.maxConcurrent } }

    /// Images every pool together can make at once (at least 1): how many remote jobs run at once.
    var totalCapacity: Int { max(1, ProviderProfile.serverNames.reduce(0) { $0 + capacity($1) }) }

    // MARK: Reachability and catalogs

    private func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Records how a call to `node` went.
    func mark(_ node: Node, _ error: ServerError?) {
        condition.lock()
        defer { condition.broadcast(); condition.unlock() }
        switch error {
        case nil:
            node.reachability = ProviderReachability(state: "ok", checkedAt: now(), detail: nil)
            node.downUntil = nil
        case .authentication(_, _, let status)?:
            node.reachability = ProviderReachability(state: "authFailed", checkedAt: now(), detail: "HTTP \(status)")
            node.downUntil = Date().addingTimeInterval(recheckSeconds(node.connection.kind))
        case .unreachable(_, _, let detail)?:
            node.reachability = ProviderReachability(state: "unreachable", checkedAt: now(), detail: detail)
            node.downUntil = Date().addingTimeInterval(recheckSeconds(node.connection.kind))
        case let other?:
            if other.retryable {
                node.reachability = ProviderReachability(state: "unreachable", checkedAt: now(), detail: String(other.message.prefix(200)))
                node.downUntil = Date().addingTimeInterval(recheckSeconds(node.connection.kind))
            }
        }
    }

    /// How long a failed server is left alone before it is probed again.
    private func recheckSeconds(_ kind: String) -> Double { min(30, max(0.2, (profiles[kind]?.backoffSeconds ?? 1) * 2)) }

    /// Fetches (or reuses, when younger than `maxAge`) what `node` has; nil when it cannot be reached.
    @discardableResult
    func refresh(_ node: Node, maxAge: Double = ServerPool.catalogMaxAge) -> Result<ServerCatalog, ServerError> {
        condition.lock()
        if let catalog = node.catalog, let at = node.catalogAt, Date().timeIntervalSince(at) < maxAge, node.downUntil == nil {
            condition.unlock()
            return .success(catalog)
        }
        condition.unlock()
        do {
            let catalog = try Self.api(node.connection.kind).catalog(node.connection)
            condition.lock()
            node.catalog = catalog
            node.catalogAt = Date()
            condition.unlock()
            mark(node, nil)
            return .success(catalog)
        } catch let e as ServerError {
            mark(node, e)
            return .failure(e)
        } catch {
            return .failure(.malformed(kind: node.connection.kind, server: node.label, detail: "\(error)"))
        }
    }

    /// Refreshes every server of `kinds` at once (threads), for `models list` and `provider test`.
    func refreshAll(_ kinds: [String], maxAge: Double = ServerPool.catalogMaxAge) -> [(Node, Result<ServerCatalog, ServerError>)] {
        let all = kinds.flatMap { servers($0) }
        let results = ResultsBox<Result<ServerCatalog, ServerError>>(count: all.count)
        DispatchQueue.concurrentPerform(iterations: all.count) { i in results.set(i, refresh(all[i], maxAge: maxAge)) }
        return all.enumerated().map { ($0.element, results.get($0.offset)!) }
    }

    /// Remote checkpoints of every kind, with the servers that have them (cached catalogs, refreshed when stale).
    func models() -> [(kind: String, name: String, servers: [String])] {
        var out: [(String, String, [String])] = []
        let refreshed = refreshAll(ProviderProfile.serverNames)
        for kind in ProviderProfile.serverNames {
            var order: [String] = []
            var where_: [String: [String]] = [:]
            for (node, result) in refreshed where node.connection.kind == kind {
                guard case .success(let catalog) = result else { continue }
                for name in catalog.checkpoints {
                    // A1111 titles carry a hash; the stem is what users type.
                    let shown = kind == "a1111" ? ServerCatalog.stem(name) : name
                    if where_[shown] == nil { order.append(shown) }
                    where_[shown, default: []].append(node.label)
                }
            }
            for name in order { out.append((kind, name, where_[name]!)) }
        }
        return out
    }

    /// Checks before a generation is queued that the LoRAs exist on the servers of `kind`: some
    /// reachable server that has `model` must have them all. Nil when fine, or when no server of
    /// `kind` can be reached now (checked again when the job runs); else what is wrong.
    func loraProblem(kind: String, model: String, loras: [String]) -> String? {
        guard !loras.isEmpty else { return nil }
        let reached = refreshAll([kind]).compactMap { node, result -> (Node, ServerCatalog)? in
            if case .success(let catalog) = result { return (node, catalog) }
            return nil
        }
        guard !reached.isEmpty else { return nil }
        let unknown = loras.filter { name in !reached.contains { $0.1.lora(named: name) != nil } }
        if !unknown.isEmpty {
            let known = Array(Set(reached.flatMap { $0.1.loras.map(ServerCatalog.stem) })).sorted()
            let list = known.isEmpty ? "none" : known.prefix(20).joined(separator: ", ")
            return "no \(kind) server has the LoRA\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")) "
                + "(the servers have: \(list)); put the file in the server's LoRA folder or pick one of these"
        }
        let fit = reached.contains { node, catalog in
            catalog.checkpoint(named: model) != nil && loras.allSatisfy { catalog.lora(named: $0) != nil }
        }
        let withModel = reached.contains { $0.1.checkpoint(named: model) != nil }
        if withModel && !fit {
            return "no \(kind) server has the model '\(model)' together with the LoRAs \(loras.joined(separator: ", ")); "
                + "`artfactory provider test \(kind)` shows what each server has"
        }
        return nil
    }

    // MARK: Scheduling

    /// A slot on the least-loaded reachable server of `kind` that has `model` (and every one of
    /// `loras`), skipping `avoid`
    /// (servers that already failed this image) while others can take it. Blocks while all are busy.
    /// - Throws: ``ServerError/noServer(kind:detail:)`` when no server is configured, none has the
    ///   model, or none answered for the profile's `offlineTimeoutSeconds`; `CancellationError` on stop.
    func acquire(kind: String, model: String, loras: [String] = [], avoid: Set<String>, stop: () -> Bool) throws -> Slot {
        let profile = self.profile(kind)
        var unreachableSince: Date?
        var lastProblems: [String] = []
        while true {
            if stop() { throw CancellationError() }
            let all = servers(kind)
            guard !all.isEmpty else {
                throw ServerError.noServer(kind: kind, detail: "no \(kind) server is configured; add one to providers.\(kind).servers in config.json (see docs/providers.md)")
            }
            // Which servers have the model (probing those not known yet, or due for a recheck).
            var having: [(Node, String, [String])] = []
            var reachable = 0
            lastProblems = []
            for node in all {
                condition.lock()
                let down = node.downUntil.map { $0 > Date() } ?? false
                let known = node.catalog
                let seen = node.reachability
                condition.unlock()
                if down { lastProblems.append("\(node.label): \(seen.detail ?? seen.state)"); continue }
                let catalog: ServerCatalog
                if let known, node.catalogAt.map({ Date().timeIntervalSince($0) < Self.catalogMaxAge }) ?? false {
                    catalog = known
                } else {
                    switch refresh(node) {
                    case .success(let c): catalog = c
                    case .failure(let e): lastProblems.append(e.message); continue
                    }
                }
                reachable += 1
                guard let name = catalog.checkpoint(named: model) else { continue }
                let named = loras.compactMap { catalog.lora(named: $0) }
                if named.count == loras.count { having.append((node, name, named)) }
            }
            if having.isEmpty {
                // Every server refuses our credentials: waiting will not help.
                let refused: [Node] = condition.withLock { all.filter { $0.reachability.state == "authFailed" } }
                if refused.count == all.count, let first = refused.first {
                    let status = Int(first.reachability.detail?.split(separator: " ").last ?? "") ?? 401
                    throw ServerError.authentication(kind: kind, server: first.label, status: status)
                }
                let missing = loras.isEmpty
                    ? "no \(kind) server has the model '\(model)'; `artfactory models list` shows the \(kind) models and which servers have them"
                    : "no \(kind) server has the model '\(model)' together with the LoRAs \(loras.joined(separator: ", ")); `artfactory provider test \(kind)` shows what each server has"
                if reachable > 0 && reachable == all.count { throw ServerError.noServer(kind: kind, detail: missing) }
                // Every server is down, or the reachable ones lack the model: wait for the down ones,
                // up to the offline timeout.
                let since = unreachableSince ?? Date()
                unreachableSince = since
                let waited = Date().timeIntervalSince(since)
                if waited >= profile.offlineTimeoutSeconds {
                    let problems = lastProblems.prefix(3).joined(separator: "; ")
                    throw ServerError.noServer(kind: kind, detail: reachable == 0
                        ? "no \(kind) server could be reached for \(Int(waited.rounded())) s (\(problems))"
                        : "\(missing); the other servers could not be reached for \(Int(waited.rounded())) s (\(problems))")
                }
                if waitBriefly(0.1, stop: stop) { throw CancellationError() }
                continue
            }
            unreachableSince = nil
            condition.lock()
            let preferred = having.filter { !avoid.contains($0.0.label) }
            let pool = preferred.isEmpty ? having : preferred
            let free = pool.filter { $0.0.inFlight < $0.0.maxConcurrent }
            if let best = free.min(by: { a, b in
                let la = Double(a.0.inFlight) / Double(a.0.maxConcurrent), lb = Double(b.0.inFlight) / Double(b.0.maxConcurrent)
                return la != lb ? la < lb : a.0.served < b.0.served
            }) {
                best.0.inFlight += 1
                condition.unlock()
                return Slot(node: best.0, checkpoint: best.1, loras: best.2)
            }
            _ = condition.wait(until: Date().addingTimeInterval(0.1))
            condition.unlock()
        }
    }

    func release(_ slot: Slot, succeeded: Bool) {
        condition.lock()
        slot.node.inFlight -= 1
        if succeeded { slot.node.served += 1 }
        condition.broadcast()
        condition.unlock()
    }

    private func waitBriefly(_ seconds: Double, stop: () -> Bool) -> Bool {
        condition.lock()
        _ = condition.wait(until: Date().addingTimeInterval(seconds))
        condition.unlock()
        return stop()
    }

    // MARK: Client views

    /// Each server of `kind` as `provider list` shows it (no credentials).
    func infos(_ kind: String) -> [ServerInfo] {
        let all = servers(kind)
        condition.lock()
        defer { condition.unlock() }
        return all.map { node in
            let r = node.reachability
            return ServerInfo(name: node.label, url: node.connection.base.absoluteString,
                              auth: node.connection.entry.auth.map { $0.token != nil ? "bearer" : "basic" },
                              maxConcurrent: node.maxConcurrent, inFlight: node.inFlight, served: node.served,
                              reachability: ProviderReachabilityInfo(state: r.state, checkedAt: r.checkedAt, detail: r.detail),
                              models: node.catalog?.checkpoints.count, loras: node.catalog?.loras.count, samplers: node.catalog?.samplers.count)
        }
    }

    /// The pool's reachability as one: `ok` when any server is, else the first server's state.
    func reachability(_ kind: String) -> ProviderReachabilityInfo {
        let all = infos(kind)
        guard !all.isEmpty else { return ProviderReachabilityInfo(state: "unknown", checkedAt: nil, detail: "no servers configured") }
        let ok = all.filter { $0.reachability.state == "ok" }
        let latest = all.compactMap(\.reachability.checkedAt).max()
        if !ok.isEmpty {
            let detail = ok.count == all.count ? nil : "\(ok.count) of \(all.count) servers reachable"
            return ProviderReachabilityInfo(state: "ok", checkedAt: latest, detail: detail)
        }
        let first = all.first { $0.reachability.state != "unknown" } ?? all[0]
        return ProviderReachabilityInfo(state: first.reachability.state, checkedAt: latest,
                                        detail: first.reachability.detail.map { "\(first.name): \($0)" })
    }
}

/// Per-index results filled in from several threads.
final class ResultsBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T?]
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.withLock { items[i] = value } }
    func get(_ i: Int) -> T? { lock.withLock { items[i] } }
}
