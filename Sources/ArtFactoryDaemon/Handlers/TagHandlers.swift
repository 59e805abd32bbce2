import ArtFactoryCatalog
import ArtFactoryProtocol

/// tag.add, tag.remove, tag.list, tag.rename.
struct TagHandlers: HandlerGroup {
    let catalog: CatalogDatabase

    func register(in table: MethodTable) {
        table.register(TagAdd.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                try Self.requireNonEmpty(p.ids, p.tags)
                try catalog.addTags(p.tags, to: p.ids)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(TagRemove.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                try Self.requireNonEmpty(p.ids, p.tags)
                try catalog.removeTags(p.tags, from: p.ids)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(TagList.self, on: .worker) { _, _ in
            try GalleryError.mapped {
                TagList.Result(tags: try catalog.listTags().map { TagList.Entry(id: $0.tag.id, name: $0.tag.name, count: $0.count) })
            }
        }
        table.register(TagRename.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                guard let tag = try catalog.tag(named: p.name) else {
                    throw RPCError(code: RPCErrorCode.notFound, message: "No tag named '\(p.name)'; run tag.list to see the tags.")
                }
                let renamed = try catalog.renameTag(tag.id, to: p.newName)
                return NamedRef(id: renamed.id, name: renamed.name)
            }
        }
    }

    static func requireNonEmpty(_ ids: [String], _ tags: [String]) throws {
        guard !ids.isEmpty else { throw RPCError.invalidParams("Pass at least one image id.", field: "ids") }
        guard !tags.isEmpty else { throw RPCError.invalidParams("Pass at least one tag name.", field: "tags") }
    }
}
