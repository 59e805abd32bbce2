import ArtFactoryEngine
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
            let local = entries.map { entry in
                var model = ModelsList.Model(name: entry.name, format: entry.format, path: entry.path, bytes: entry.bytes,
                                             loaded: registry.isResident(entry.path), isDefault: entry.name == fallback,
                                             family: ModelRegistry.family(of: entry)?.rawValue)
                let setting = (try? registry.precisionSetting(for: entry.name)) ?? .auto
                model.precision = setting.rawValue
                // A setting this CPU cannot run (bf16 without the flags) is listed with what requests will be told.
                let path = try? EnginePrecision.resolve(setting)
                model.computePath = path?.rawValue
                model.weights = path.map { $0 == .f32 ? "as-stored" : "bf16" }
                return model
            }
            let hub = providers
            let remote = hub.listedModels().map { m in
                ModelsList.Model(name: m.name, format: "remote", path: (try? hub.client(m.provider).profile.baseURL.absoluteString) ?? "",
                                 bytes: 0, loaded: false, isDefault: m.name == fallback, provider: m.provider, modelId: m.settings.id,
                                 capabilities: m.capabilities, costPerImage: hub.costPerImage(m))
            }
            let urls = Dictionary(ProviderProfile.serverNames.map { ($0, hub.servers.servers($0).first?.connection.base.absoluteString ?? "") },
                                  uniquingKeysWith: { a, _ in a })
            let own = hub.servers.models().map { m in
                ModelsList.Model(name: "\(m.kind):\(m.name)", format: "remote", path: urls[m.kind] ?? "", bytes: 0, loaded: false,
                                 isDefault: false, provider: m.kind, modelId: m.name, capabilities: ["txt2img", "img2img", "inpaint"],
                                 servers: m.servers)
            }
            return ModelsList.Result(models: local + remote + own, defaultModel: fallback)
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
            registry.unload(entry.path)
            return ModelsLoad.Result(name: entry.name, loaded: false, seconds: 0, resident: Self.residentNames(registry))
        }
    }

    /// Names of the models in memory, most recently used first.
    private static func residentNames(_ registry: ModelRegistry) -> [String] {
        let byPath = Dictionary(registry.scan().map { ($0.path, $0.name) }, uniquingKeysWith: { a, _ in a })
        var names: [String] = []
        for key in registry.cache.residentKeys {
            let name = byPath[ModelRegistry.path(ofCacheKey: key).path] ?? key
            if !names.contains(name) { names.append(name) }
        }
        return names
    }
}
