import ArtFactoryCatalog
import ArtFactoryProtocol

/// project.create, project.list, project.rename, project.delete.
struct ProjectHandlers: HandlerGroup {
    let catalog: CatalogDatabase

    func register(in table: MethodTable) {
        table.register(ProjectCreate.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                GalleryWire.project(try catalog.createProject(p.name, description: p.description ?? "", defaultProfileId: p.defaultProfileId))
            }
        }
        table.register(ProjectList.self, on: .worker) { _, _ in
            try GalleryError.mapped { ProjectList.Result(projects: try catalog.listProjects().map(GalleryWire.project)) }
        }
        table.register(ProjectRename.self, on: .worker) { p, _ in
            try GalleryError.mapped { GalleryWire.project(try catalog.renameProject(p.id, to: p.name)) }
        }
        table.register(ProjectDelete.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                try catalog.deleteProject(p.id)
                return ProjectDelete.Result(deleted: p.id)
            }
        }
    }
}
