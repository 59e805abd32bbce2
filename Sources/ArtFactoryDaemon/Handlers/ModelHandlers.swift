import ArtFactoryProtocol

extension Daemon {
    /// models.list.
    func registerModelMethods(_ service: GenerationService) {
        table.register(ModelsList.self, on: .worker) { _, _ in
            let registry = service.models
            let entries = registry.scan()
            let fallback = registry.defaultModel(among: entries)
            let resident = Set(registry.cache.residentKeys)
            return ModelsList.Result(models: entries.map {
                ModelsList.Model(name: $0.name, format: $0.format, path: $0.path, bytes: $0.bytes,
                                 loaded: resident.contains($0.path), isDefault: $0.name == fallback)
            }, defaultModel: fallback)
        }
    }
}
