import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

extension Daemon {
    /// The gallery service over this daemon's catalog and directories. Stateless apart from the
    /// catalog and the files, so any thread may use it (the generation service stores results here).
    public var gallery: GalleryService {
        GalleryService(catalog: catalog, paths: paths, events: events)
    }

    /// gallery.*, project.*, tag.*, collection.*; undoes writes a crash interrupted before serving.
    func registerGalleryMethods() {
        do {
            let undone = try gallery.recoverPendingWrites()
            if undone > 0 { logger.warning("removed files of interrupted gallery writes", metadata: ["count": .stringConvertible(undone)]) }
        } catch {
            logger.error("could not check for interrupted gallery writes; run gallery.fsck", metadata: ["error": .string("\(error)")])
        }
        scheduleDailyRetention()
        registerGalleryQueryMethods()
        registerGalleryChangeMethods()
        registerProjectMethods()
        registerTagMethods()
        registerCollectionMethods()
        registerTemplateMethods()
        registerProfileMethods()
    }

    private func registerGalleryQueryMethods() {
        table.register(GalleryList.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped {
                let sort = try Daemon.sort(p.sort, descending: p.descending)
                let page = try catalog.listAssets(filter: GalleryWire.filter(p.filter), sort: sort, cursor: p.cursor, limit: p.limit ?? 50)
                return GalleryList.Result(items: try GalleryWire.listed(page.items, catalog: catalog, paths: paths,
                                                                        inlineThumbnails: p.inlineThumbnails ?? false),
                                          nextCursor: page.nextCursor)
            }
        }
        table.register(GallerySearch.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped {
                let page = try catalog.searchAssets(p.query, filter: GalleryWire.filter(p.filter), cursor: p.cursor, limit: p.limit ?? 50)
                return GallerySearch.Result(hits: try GalleryWire.hits(page, query: p.query, catalog: catalog, paths: paths,
                                                                       inlineThumbnails: p.inlineThumbnails ?? false),
                                            nextCursor: page.nextCursor)
            }
        }
        table.register(GalleryGet.self, on: .worker) { [unowned self] p, _ in
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
        table.register(GalleryCompare.self, on: .worker) { [unowned self] p, _ in
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
                                                 GalleryCompare.Difference(key: d.key, values: d.values.map { $0.map(GalleryWire.json) ?? .null })
                                             },
                                             common: GalleryWire.json(.object(c.common)))
            }
        }
    }

    private func registerGalleryChangeMethods() {
        table.register(GalleryFavorite.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped {
                try catalog.setFavorite(p.ids, p.favorite ?? true)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(GalleryPin.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped {
                guard !p.ids.isEmpty else { throw RPCError.invalidParams("Pass at least one image id.", field: "ids") }
                try catalog.setPinned(p.ids, p.pinned ?? true)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(GalleryRate.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped {
                guard (0...5).contains(p.rating) else { throw RPCError.invalidParams("rating must be 0 to 5; got \(p.rating).", field: "rating") }
                try catalog.setRating(p.ids, p.rating)
                return GalleryUpdated(updated: Set(p.ids).count)
            }
        }
        table.register(GalleryDelete.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped {
                guard !p.ids.isEmpty else { throw RPCError.invalidParams("Pass at least one image id.", field: "ids") }
                let (result, removed) = try gallery.delete(p.ids)
                return GalleryDelete.Result(deleted: result.assetIds, generationsDeleted: result.generationIds, filesRemoved: removed)
            }
        }
        let files = GalleryJobs(gallery: gallery, runner: jobs)
        files.register()
        table.register(GalleryImport.self, on: .worker) { p, _ in try files.submitImport(p) }
        table.register(GalleryExport.self, on: .worker) { p, _ in try files.submitExport(p) }
        table.register(GalleryRetention.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped { try gallery.retention(olderThanDays: p.olderThanDays, dryRun: p.dryRun ?? false) }
        }
        table.register(GalleryFsck.self, on: .worker) { [unowned self] p, _ in
            try GalleryError.mapped { try gallery.fsck(repair: p.repair ?? false, verifyHashes: p.verifyHashes ?? false) }
        }
    }

    /// Runs retention once a day on a utility thread; failures are logged, never fatal.
    private func scheduleDailyRetention() {
        let gallery = self.gallery, logger = self.logger
        loop.repeating(everyMs: 24 * 3600 * 1000) {
            DispatchQueue.global(qos: .utility).async {
                do {
                    let r = try gallery.retention(olderThanDays: nil, dryRun: false)
                    if !r.imageIds.isEmpty { logger.notice("retention removed old images", metadata: ["images": .stringConvertible(r.imageIds.count)]) }
                } catch {
                    logger.error("daily retention failed; run gallery.retention to see why", metadata: ["error": .string("\(error)")])
                }
            }
        }
    }

    static func sort(_ name: String?, descending: Bool?) throws -> AssetSort {
        guard let field = AssetSort.Field(rawValue: name ?? "created") else {
            throw RPCError.invalidParams("sort must be created, bytes or rating; got '\(name ?? "")'.", field: "sort")
        }
        return AssetSort(field: field, descending: descending ?? true)
    }
}
