import ArtFactoryProtocol
import Foundation

/// models.list, models.load, models.unload.
struct ModelHandlers: HandlerGroup {
    let models: ModelRegistry
    let providers: ProviderHub

    func register(in table: MethodTable) {
        table.register(ModelsList.self, on: .worker) { _, _ in
            let registry = models
            let entries = registry.scan()
            let fallback = registry.defaultModel(among: entries)
            let resident = Set(registry.cache.residentKeys)
            let local = entries.map {
                ModelsList.Model(name: $0.name, format: $0.format, path: $0.path, bytes: $0.bytes,
                                 loaded: resident.contains($0.path), isDefault: $0.name == fallback)
            }
            let hub = providers
            let remote = hub.listedModels().map { m in
                ModelsList.Model(name: m.name, format: "remote", path: (try? hub.client(m.provider).profile.baseURL.absoluteString) ?? "",
                                 bytes: 0, loaded: false, isDefault: m.name == fallback, provider: m.provider, modelId: m.settings.id,
                                 capabilities: m.capabilities, costPerImage: hub.costPerImage(m))
            }
            return ModelsList.Result(models: local + remote, defaultModel: fallback)
        }
        table.register(ModelsLoad.self, on: .worker) { params, _ in
            let registry = models
            let entry = try registry.resolve(params.name)
            let start = Date()
            do {
                _ = try registry.pipeline(entry)
            } catch {
                throw RPCError(code: RPCErrorCode.unavailable, message: "Model '\(entry.name)' could not be loaded (\(error)); check the files in \(entry.path).",
                               data: ["kind": "unavailable"])
            }
            return ModelsLoad.Result(name: entry.name, loaded: true, seconds: Date().timeIntervalSince(start),
                                     resident: Self.residentNames(registry))
        }
        table.register(ModelsUnload.self, on: .worker) { params, _ in
            let registry = models
            let entry = try registry.resolve(params.name)
            _ = registry.cache.unload(entry.path)
            return ModelsLoad.Result(name: entry.name, loaded: false, seconds: 0, resident: Self.residentNames(registry))
        }
    }

    /// Names of the models in memory, most recently used first.
    private static func residentNames(_ registry: ModelRegistry) -> [String] {
        let byPath = Dictionary(registry.scan().map { ($0.path, $0.name) }, uniquingKeysWith: { a, _ in a })
        return registry.cache.residentKeys.map { byPath[$0] ?? $0 }
    }
}
