import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation

/// reference.analyze: attributes of reference images (docs/analytics.md#reference-images).
struct ReferenceHandlers: HandlerGroup {
    let catalog: CatalogDatabase
    let gallery: GalleryService

    func register(in table: MethodTable) {
        table.register(ReferenceAnalyze.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let ids = p.ids ?? [], files = p.paths ?? []
                guard (1...5).contains(ids.count + files.count) else {
                    throw RPCError.invalidParams("Give 1 to 5 reference images (ids and paths together); got \(ids.count + files.count).", field: "ids")
                }
                let colors = p.colors ?? 5
                guard (1...8).contains(colors) else { throw RPCError.invalidParams("colors must be 1 to 8; got \(colors).", field: "colors") }
                // Resolve everything before decoding anything, so a bad entry fails fast.
                var inputs: [(input: String, file: String, source: String)] = []
                for id in ids {
                    let asset = try catalog.asset(id)
                    inputs.append((id, gallery.absoluteImage(asset.path), id))
                }
                let clientPaths = ClientPath(daemonHome: gallery.paths.home)
                for path in files {
                    let resolved = try clientPaths.existing(path, what: "reference image")
                    inputs.append((path, resolved, resolved))
                }
                let decoder = ImageDecoder()
                let references = try inputs.map { entry in
                    let image = try decoder.decode(fileAt: URL(fileURLWithPath: entry.file))
                    return ReferenceAnalyzer.analyze(image.pixels, colors: colors, input: entry.input, source: entry.source)
                }
                return ReferenceAnalyze.Result(references: references)
            }
        }
    }
}
