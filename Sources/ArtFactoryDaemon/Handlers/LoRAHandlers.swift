import ArtFactoryCatalog
import ArtFactoryProtocol

/// loras.list, project.setBrandLora, project.clearBrandLora.
struct LoRAHandlers: HandlerGroup {
    let catalog: CatalogDatabase
    let loras: LoRARegistry

    func register(in table: MethodTable) {
        table.register(LorasList.self, on: .worker) { _, _ in loras.list() }
        table.register(ProjectSetBrandLora.self, on: .worker) { p, _ in
            let weight = p.weight ?? 1
            guard LoRAWeight.range.contains(weight), weight.isFinite else {
                throw RPCError.invalidParams("weight must be between -10 and 10 (got \(weight))", field: "weight")
            }
            _ = try loras.load(try loras.resolve(p.lora))  // unknown or unreadable files are refused now, not at generation
            return try GalleryError.mapped {
                var project = try catalog.project(p.id)
                project.brandLora = GenerationSpec.storeBrandLora(LoRAWeight(name: p.lora, weight: weight))
                return GalleryWire.project(try catalog.updateProject(project))
            }
        }
        table.register(ProjectClearBrandLora.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                var project = try catalog.project(p.id)
                project.brandLora = nil
                return GalleryWire.project(try catalog.updateProject(project))
            }
        }
    }
}
