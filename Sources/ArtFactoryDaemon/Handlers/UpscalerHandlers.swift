import ArtFactoryProtocol

/// upscalers.list, gallery.upscale.
struct UpscalerHandlers: HandlerGroup {
    let upscalers: UpscalerRegistry
    let jobs: UpscaleJobs

    func register(in table: MethodTable) {
        table.register(UpscalersList.self, on: .worker) { _, _ in
            let entries = upscalers.scan()
            let fallback = upscalers.defaultName(among: entries)
            return UpscalersList.Result(upscalers: entries.map {
                UpscalersList.Upscaler(name: $0.name, format: $0.format, path: $0.path, bytes: $0.bytes, architecture: $0.architecture,
                                       scale: $0.scale, costPerPixel: $0.cost, isDefault: $0.name == fallback, error: $0.error)
            }, defaultUpscaler: fallback, directory: upscalers.directory)
        }
        table.register(GalleryUpscale.self, on: .worker) { params, _ in try jobs.submit(params) }
    }
}
