import ArtFactoryCatalog
import ArtFactoryProtocol

extension Daemon {
    /// template.save, template.list, template.delete.
    func registerTemplateMethods() {
        table.register(TemplateSave.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped {
                guard case .object = p.params else { throw RPCError.invalidParams("params must be a JSON object of generation parameters.", field: "params") }
                let params = GalleryWire.catalogJSON(p.params)
                guard let id = p.id else {
                    return Daemon.wire(try catalog.createTemplate(p.name, params: params, description: p.description ?? ""))
                }
                var template = try catalog.template(id)
                template.name = p.name
                template.params = params
                if let description = p.description { template.description = description }
                return Daemon.wire(try catalog.updateTemplate(template))
            }
        }
        table.register(TemplateList.self, on: .worker) { [unowned self] _, _ in
            try GalleryError.mapped { TemplateList.Result(templates: try catalog.listTemplates().map(Daemon.wire)) }
        }
        table.register(TemplateDelete.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped {
                try catalog.deleteTemplate(p.id)
                return TemplateDelete.Result(deleted: p.id)
            }
        }
    }

    static func wire(_ t: Template) -> TemplateInfo {
        TemplateInfo(id: t.id, name: t.name, description: t.description, params: GalleryWire.json(t.params), version: t.version, createdAt: t.createdAt)
    }
}
