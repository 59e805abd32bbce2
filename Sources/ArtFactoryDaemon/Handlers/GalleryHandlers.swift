import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// gallery.*: listing, search, "more like this" (``GallerySimilarity``), details and changes of images; imports and exports as jobs on
/// the file lane (``GalleryJobs``); retention and fsck.
struct GalleryHandlers: HandlerGroup {
    let catalog: CatalogDatabase
    let gallery: GalleryService
    let files: GalleryJobs
    var paths: DaemonPaths { gallery.paths }

    func register(in table: MethodTable) {
        registerQueryMethods(table)
        registerChangeMethods(table)
    }

    private func registerQueryMethods(_ table: MethodTable) {
        table.register(GalleryList.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let sort = try Self.sort(p.sort, descending: p.descending)
                let page = try catalog.listAssets(filter: GalleryWire.filter(p.filter), sort: sort, cursor: p.cursor, limit: p.limit ?? 50)
                return GalleryList.Result(items: try GalleryWire.listed(page.items, catalog: catalog, paths: paths,
                                                                        inlineThumbnails: p.inlineThumbnails ?? false),
                                          nextCursor: page.nextCursor)
            }
        }
        table.register(GallerySearch.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let page = try catalog.searchAssets(p.query, filter: GalleryWire.filter(p.filter), cursor: p.cursor, limit: p.limit ?? 50)
                return GallerySearch.Result(hits: try GalleryWire.hits(page, query: p.query, catalog: catalog, paths: paths,
                                                                       inlineThumbnails: p.inlineThumbnails ?? false),
                                            nextCursor: page.nextCursor)
            }
        }
        table.register(GallerySimilar.self, on: .worker) { p, _ in
            try GalleryError.mapped { try GallerySimilarity(catalog: catalog, gallery: gallery).similar(p) }
        }
        table.register(GalleryGet.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let detail = try catalog.assetDetail(p.id)
                let lineage = try detail.generation.map { try catalog.generationDetail($0.id) }
                let around = try catalog.neighbours(of: p.id, filter: GalleryWire.filter(p.filter))
                return GalleryGet.Result(image: GalleryWire.image(detail.asset, paths: paths), generation: detail.generation.map(GalleryWire.generation),
                                         tags: detail.tags.map(\.name), collections: detail.collections.map { NamedRef(id: $0.id, name: $0.name) },
                                         ancestors: (lineage?.ancestors ?? []).map(GalleryWire.generation),
                                         children: (lineage?.children ?? []).map(GalleryWire.generation),
                                         previousId: around.previous?.id, nextId: around.next?.id)
            }
        }
        table.register(GalleryCompare.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                guard (2...20).contains(p.ids.count) else { throw RPCError.invalidParams("Compare 2 to 20 images; got \(p.ids.count).", field: "ids") }
                let generationIds = try p.ids.map { id in
                    guard let g = try catalog.asset(id).generationId else {
                        throw RPCError.invalidParams("Image '\(id)' has no generation record (imported without metadata), so there are no parameters to compare.")
                    }
                    return g
                }
                let c = try catalog.compare(generationIds)
                return GalleryCompare.Result(generationIds: c.generationIds,
                                             differences: c.differences.map { d in
                                                 GalleryCompare.Difference(key: d.key, values: d.values.map { $0 ?? .null })
                                             },
                                             common: .object(JSONObject(c.common)))
            }
        }
    }

    private func registerChangeMethods(_ table: MethodTable) {
        table.register(GalleryFavorite.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                try catalog.setFavorite(p.ids, p.favorite ?? true)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(GalleryPin.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                guard !p.ids.isEmpty else { throw RPCError.invalidParams("Pass at least one image id.", field: "ids") }
                try catalog.setPinned(p.ids, p.pinned ?? true)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(GalleryRate.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                guard (0...5).contains(p.rating) else { throw RPCError.invalidParams("rating must be 0 to 5; got \(p.rating).", field: "rating") }
                try catalog.setRating(p.ids, p.rating)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(GalleryDelete.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                guard !p.ids.isEmpty else { throw RPCError.invalidParams("Pass at least one image id.", field: "ids") }
                let (result, removed) = try gallery.delete(p.ids)
                return GalleryDelete.Result(deleted: result.assetIds, generationsDeleted: result.generationIds, filesRemoved: removed)
            }
        }
        table.register(GalleryImport.self, on: .worker) { p, _ in try files.submitImport(p) }
        table.register(GalleryExport.self, on: .worker) { p, _ in try files.submitExport(p) }
        table.register(GalleryRetention.self, on: .worker) { p, _ in
            try GalleryError.mapped { try gallery.retention(olderThanDays: p.olderThanDays, dryRun: p.dryRun ?? false) }
        }
        table.register(GalleryFsck.self, on: .worker) { p, _ in
            try GalleryError.mapped { try gallery.fsck(repair: p.repair ?? false, verifyHashes: p.verifyHashes ?? false) }
        }
    }

    static func sort(_ name: String?, descending: Bool?) throws -> AssetSort {
        guard let field = AssetSort.Field(rawValue: name ?? "created") else {
            throw RPCError.invalidParams("sort must be created, bytes or rating; got '\(name ?? "")'.", field: "sort")
        }
        return AssetSort(field: field, descending: descending ?? true)
    }
}
