import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation
import Logging

/// The remote providers behind one interface: their clients (key, rate limit, retries,
/// reachability), their protocols, the model list, cost estimates and daily limits.
/// Created once by the daemon; thread-safe.
final class ProviderHub: @unchecked Sendable {
    /// A remote model resolved from a `provider:model-id` name.
    struct Model: Sendable {
        var provider: String
        var settings: RemoteModelSettings
        var name: String { provider + ":" + settings.id }
        var capabilities: [String] { settings.capabilities ?? ["txt2img"] }
    }

    let keys: ProviderKeys
    let catalog: CatalogDatabase
    let logger: Logger
    let http = HTTPClient()
    /// The self-hosted servers (`comfyui`, `a1111`, `sdcpp`).
    let servers: ServerPool
    private let clients: [String: ProviderClient]
    private let apis: [String: any RemoteAPI] = ["fal": FalAPI(), "replicate": ReplicateAPI(), "civitai": CivitaiAPI()]

    init(config: DaemonConfig, keysFile: String, catalog: CatalogDatabase, logger: Logger) {
        keys = ProviderKeys(file: keysFile)
        self.catalog = catalog
        self.logger = logger
        var clients: [String: ProviderClient] = [:]
        for name in ProviderProfile.names {
            clients[name] = ProviderClient(profile: ProviderProfile(name: name, settings: config.providers[name]), keys: keys, http: http, logger: logger)
        }
        self.clients = clients
        servers = ServerPool(config: config, http: http, logger: logger, configDirectory: (keysFile as NSString).deletingLastPathComponent)
    }

    /// Applies a reloaded config.
    func reload(_ config: DaemonConfig) {
        for (name, client) in clients { client.update(ProviderProfile(name: name, settings: config.providers[name])) }
        servers.reload(config)
    }

    static func isServerKind(_ name: String) -> Bool { ProviderProfile.serverNames.contains(name) }

    /// Whether `name` names a remote model (`fal:…`, `replicate:…`, `civitai:…`).
    static func isRemote(_ name: String) -> Bool {
        guard let colon = name.firstIndex(of: ":") else { return false }
        let prefix = String(name[..<colon])
        return ProviderProfile.names.contains(prefix) || ProviderProfile.serverNames.contains(prefix)
    }

    /// The provider called `name`. - Throws: `invalidParams` naming the providers.
    func client(_ name: String) throws -> ProviderClient {
        guard let c = clients[name] else {
            if Self.isServerKind(name) {
                throw RPCError.invalidParams("\(name) is a pool of your own servers and takes no key; give each server's credentials in "
                                             + "providers.\(name).servers[].auth in config.json", field: "name")
            }
            throw RPCError.invalidParams("unknown provider '\(name)'; use one of \((ProviderProfile.names + ProviderProfile.serverNames).joined(separator: ", "))", field: "name")
        }
        return c
    }

    func api(_ name: String) -> any RemoteAPI { apis[name]! }

    /// Resolves `provider:model-id`. Ids not in the list are accepted (the provider decides) with
    /// the provider's default cost estimate and txt2img/img2img/inpaint assumed.
    func model(_ name: String) throws -> Model {
        if let colon = name.firstIndex(of: ":"), Self.isServerKind(String(name[..<colon])) {
            let kind = String(name[..<colon])
            let id = String(name[name.index(after: colon)...])
            guard !id.isEmpty, id.count <= 300, !id.contains(where: { $0.isNewline }), !id.contains("..") else {
                throw RPCError.invalidParams("'\(name)' has no usable checkpoint name after '\(kind):'; `artfactory models list` shows the \(kind) models", field: "model")
            }
            return Model(provider: kind, settings: RemoteModelSettings(id: id, capabilities: ["txt2img", "img2img", "inpaint"], costPerImage: 0))
        }
        guard let colon = name.firstIndex(of: ":"), let c = clients[String(name[..<colon])] else {
            throw RPCError.invalidParams("'\(name)' is not a remote model; name one as provider:model-id, e.g. fal:fal-ai/fast-sdxl", field: "model")
        }
        let id = String(name[name.index(after: colon)...])
        guard !id.isEmpty, id.count <= 300, !id.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }), !id.contains("..") else {
            throw RPCError.invalidParams("'\(name)' has no usable model id after '\(c.name):'", field: "model")
        }
        let p = c.profile
        if let known = p.models.first(where: { $0.id == id }) { return Model(provider: c.name, settings: known) }
        return Model(provider: c.name, settings: RemoteModelSettings(id: id, capabilities: ["txt2img", "img2img", "inpaint"], costPerImage: p.costPerImage))
    }

    /// Every listed remote model of providers that have a key.
    func listedModels() -> [Model] {
        ProviderProfile.names.flatMap { name -> [Model] in
            guard keys.key(for: name) != nil, let c = clients[name] else { return [] }
            return c.profile.models.map { Model(provider: name, settings: $0) }
        }
    }

    func costPerImage(_ model: Model) -> Double { model.settings.costPerImage ?? clients[model.provider]?.profile.costPerImage ?? 0 }

    /// Start of today (UTC) in ms.
    static func startOfDay(_ now: Date = Date()) -> Int64 {
        let seconds = Int64(now.timeIntervalSince1970)
        return (seconds - seconds % 86400) * 1000
    }

    /// Cost estimate and the daily-limit check for `count` images of `model`.
    func estimate(_ model: Model, count: Int) throws -> ProviderEstimate.Result {
        guard let client = clients[model.provider] else {
            // Own servers: nothing is paid and no daily limit applies.
            return ProviderEstimate.Result(provider: model.provider, model: model.name, count: count, costPerImage: 0, estimatedCost: 0,
                                           imagesToday: 0, costToday: 0, dailyImages: nil, dailyCost: nil, allowed: true, reason: nil)
        }
        let p = client.profile
        let usage = try CatalogErrors.map { try catalog.providerUsage(provider: model.provider, since: Self.startOfDay()) }
        let per = costPerImage(model)
        let total = per * Double(count)
        var reason: String?
        if let limit = p.dailyImages, usage.images + count > limit {
            reason = "the daily limit of \(limit) images for \(model.provider) would be exceeded (\(usage.images) used today, \(count) asked); "
                + "raise providers.\(model.provider).dailyImages in config.json or wait until 00:00 UTC"
        } else if let limit = p.dailyCost, usage.cost + total > limit + 1e-9 {
            reason = String(format: "the daily cost limit of $%.2f for %@ would be exceeded ($%.3f used today, this needs about $%.3f); ",
                            limit, model.provider, usage.cost, total)
                + "raise providers.\(model.provider).dailyCost in config.json or wait until 00:00 UTC"
        }
        return ProviderEstimate.Result(provider: model.provider, model: model.name, count: count, costPerImage: per, estimatedCost: total,
                                       imagesToday: usage.images, costToday: usage.cost, dailyImages: p.dailyImages, dailyCost: p.dailyCost,
                                       allowed: reason == nil, reason: reason)
    }

    /// The client view of a provider (never the key).
    func info(_ name: String) throws -> ProviderInfo {
        if Self.isServerKind(name) { return serverInfo(name) }
        let c = try client(name)
        let p = c.profile
        let summary = keys.summary(for: name)
        let usage = (try? catalog.providerUsage(provider: name, since: Self.startOfDay())) ?? (images: 0, cost: 0)
        let r = c.reachability
        return ProviderInfo(name: name, baseURL: p.baseURL.absoluteString, keySet: summary != nil, keySource: summary?.source.rawValue,
                            keyLast4: summary?.last4, reachability: ProviderReachabilityInfo(state: r.state, checkedAt: r.checkedAt, detail: r.detail),
                            models: p.models.count, imagesToday: usage.images, costToday: usage.cost, dailyImages: p.dailyImages,
                            dailyCost: p.dailyCost, requestsPerSecond: p.requestsPerSecond, burst: p.burst)
    }

    /// Reachability of every provider, for `daemon.status` (cheap: no I/O).
    func reachability() -> [String: ProviderReachabilityInfo] {
        var out: [String: ProviderReachabilityInfo] = [:]
        for (name, c) in clients {
            let r = c.reachability
            out[name] = ProviderReachabilityInfo(state: r.state, checkedAt: r.checkedAt, detail: r.detail)
        }
        for kind in ProviderProfile.serverNames where !servers.servers(kind).isEmpty { out[kind] = servers.reachability(kind) }
        return out
    }

    /// A pool as `provider list` shows it: each server, its auth kind (never the credentials), load and reachability.
    func serverInfo(_ kind: String) -> ProviderInfo {
        let p = servers.profile(kind)
        let list = servers.infos(kind)
        var info = ProviderInfo(name: kind, baseURL: list.first?.url ?? "", keySet: false, keySource: nil, keyLast4: nil,
                                reachability: servers.reachability(kind), models: list.compactMap(\.models).reduce(0, +), imagesToday: 0,
                                costToday: 0, dailyImages: nil, dailyCost: nil, requestsPerSecond: p.requestsPerSecond, burst: p.burst)
        info.servers = list
        return info
    }

    /// `provider.test` of a pool: every server's catalog fetched now; fails naming each server that failed.
    func testServers(_ kind: String) throws -> ProviderTest.Result {
        let start = Date()
        let results = servers.refreshAll([kind], maxAge: 0)
        guard !results.isEmpty else {
            throw ServerError.noServer(kind: kind, detail: "no \(kind) server is configured; add one to providers.\(kind).servers in config.json (see docs/providers.md)").rpcError
        }
        let failures = results.compactMap { r -> ServerError? in if case .failure(let e) = r.1 { return e } else { return nil } }
        if let first = failures.first {
            var error = first.rpcError
            if failures.count > 1 { error.message = failures.map(\.message).joined(separator: "; ") }
            throw error
        }
        return ProviderTest.Result(name: kind, ok: true, millis: Date().timeIntervalSince(start) * 1000, provider: serverInfo(kind))
    }

    /// `provider.test`: one authenticated call. - Throws: the provider's error as an `RPCError`.
    func test(_ name: String) throws -> ProviderTest.Result {
        if Self.isServerKind(name) { return try testServers(name) }
        let c = try client(name)
        let start = Date()
        do {
            try api(name).probe(client: c, stop: { false })
        } catch let e as ProviderError {
            throw e.rpcError
        }
        return ProviderTest.Result(name: name, ok: true, millis: Date().timeIntervalSince(start) * 1000, provider: try info(name))
    }
}
