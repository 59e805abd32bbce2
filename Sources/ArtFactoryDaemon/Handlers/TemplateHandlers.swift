import ArtFactoryCatalog
import ArtFactoryProtocol

/// template.save, template.list, template.delete.
struct TemplateHandlers: HandlerGroup {
    let catalog: CatalogDatabase

    func register(in table: MethodTable) {
        table.register(TemplateSave.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                guard case .object = p.params else { throw RPCError.invalidParams("params must be a JSON object of generation parameters.", field: "params") }
                let params = p.params
                guard let id = p.id else {
                    return Self.wire(try catalog.createTemplate(p.name, params: params, description: p.description ?? ""))
                }
                var template = try catalog.template(id)
                template.name = p.name
                template.params = params
                if let description = p.description { template.description = description }
                return Self.wire(try catalog.updateTemplate(template))
            }
        }
        table.register(TemplateList.self, on: .worker) { _, _ in
            try GalleryError.mapped { TemplateList.Result(templates: try catalog.listTemplates().map(Self.wire)) }
        }
        table.register(TemplateDelete.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                try catalog.deleteTemplate(p.id)
                return TemplateDelete.Result(deleted: p.id)
            }
        }
    }

    static func wire(_ t: Template) -> TemplateInfo {
        TemplateInfo(id: t.id, name: t.name, description: t.description, params: t.params, version: t.version, createdAt: t.createdAt)
    }
}
