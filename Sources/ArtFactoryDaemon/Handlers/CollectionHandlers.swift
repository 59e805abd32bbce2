import ArtFactoryCatalog
import ArtFactoryProtocol

/// collection.create, collection.list, collection.add, collection.remove, collection.delete.
struct CollectionHandlers: HandlerGroup {
    let catalog: CatalogDatabase

    func register(in table: MethodTable) {
        table.register(CollectionCreate.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let c = try catalog.createCollection(p.name, projectId: p.projectId, description: p.description ?? "")
                return NamedRef(id: c.id, name: c.name)
            }
        }
        table.register(CollectionList.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                if let projectId = p.projectId { _ = try catalog.project(projectId) }
                return CollectionList.Result(collections: try catalog.listCollections(projectId: p.projectId).map {
                    CollectionList.Entry(id: $0.collection.id, name: $0.collection.name, projectId: $0.collection.projectId, count: $0.count)
                })
            }
        }
        table.register(CollectionAdd.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                guard !p.ids.isEmpty else { throw RPCError.invalidParams("Pass at least one image id.", field: "ids") }
                try catalog.addToCollection(p.collectionId, assetIds: p.ids)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(CollectionRemove.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                guard !p.ids.isEmpty else { throw RPCError.invalidParams("Pass at least one image id.", field: "ids") }
                try catalog.removeFromCollection(p.collectionId, assetIds: p.ids)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(CollectionDelete.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                try catalog.deleteCollection(p.id)
                return CollectionDelete.Result(deleted: p.id)
            }
        }
    }
}
