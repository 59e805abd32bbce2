import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// Converts catalog records to the wire types of ``ArtFactoryProtocol`` (the CLI and plugins never
/// see catalog types), and wire filters to catalog filters.
enum GalleryWire {
    static func image(_ asset: Asset, paths: DaemonPaths, inlineThumbnail: Bool = false, summary: AssetSummary? = nil) -> GalleryImage {
        let thumb = asset.thumbnailPath.map { paths.thumbnailsDir + "/" + $0 }
        var base64: String?
        if inlineThumbnail, let thumb, let data = FileManager.default.contents(atPath: thumb) {
            base64 = data.base64EncodedString()
        }
        return GalleryImage(id: asset.id, generationId: asset.generationId, projectId: asset.projectId, sessionId: asset.sessionId,
                            model: asset.model, role: asset.role.rawValue, path: paths.galleryDir + "/" + asset.path,
                            thumbnailPath: thumb, sha256: asset.sha256, width: asset.width, height: asset.height,
                            bytes: asset.bytes, mime: asset.mime, createdAt: asset.createdAt, pinned: asset.pinned,
                            favorite: asset.isFavorite, rating: asset.rating, thumbnailBase64: base64,
                            prompt: summary?.prompt, negativePrompt: summary?.negativePrompt, seed: summary?.seed,
                            steps: summary?.steps, sampler: summary?.sampler, project: summary?.project, tags: summary?.tags)
    }

    /// A listing page's images, each with its generation's summary (one catalog query per page).
    static func listed(_ assets: [Asset], catalog: CatalogDatabase, paths: DaemonPaths, inlineThumbnails: Bool) throws -> [GalleryImage] {
        let summaries = try catalog.summaries(forAssetIds: assets.map(\.id))
        return assets.map { image($0, paths: paths, inlineThumbnail: inlineThumbnails, summary: summaries[$0.id]) }
    }

    /// A search page's hits with summaries and the matched passage (two catalog queries per page).
    static func hits(_ page: SearchPage, query: String, catalog: CatalogDatabase, paths: DaemonPaths,
                     inlineThumbnails: Bool) throws -> [GallerySearch.Hit] {
        let ids = page.hits.map(\.asset.id)
        let summaries = try catalog.summaries(forAssetIds: ids)
        let snippets = try catalog.searchSnippets(query, assetIds: ids)
        return page.hits.map {
            GallerySearch.Hit(image: image($0.asset, paths: paths, inlineThumbnail: inlineThumbnails, summary: summaries[$0.asset.id]),
                              score: $0.score, snippet: snippets[$0.asset.id])
        }
    }

    static func generation(_ g: Generation) -> GalleryGeneration {
        GalleryGeneration(id: g.id, sessionId: g.sessionId, parentGenerationId: g.parentGenerationId, projectId: g.projectId,
                          prompt: g.prompt, negativePrompt: g.negativePrompt, params: g.params, model: g.model,
                          provider: g.provider, seed: g.seed, status: g.status.rawValue, error: g.error,
                          createdAt: g.createdAt, completedAt: g.completedAt, durationMs: g.durationMs)
    }

    static func project(_ p: Project) -> ProjectInfo {
        ProjectInfo(id: p.id, name: p.name, slug: p.slug, description: p.description, defaultProfileId: p.defaultProfileId,
                    createdAt: p.createdAt)
    }

    static func filter(_ f: GalleryFilter?) -> AssetFilter {
        guard let f else { return AssetFilter() }
        return AssetFilter(projectId: f.projectId, collectionId: f.collectionId, tags: f.tags, favorite: f.favorite,
                           mimePrefix: f.mediaType, createdFrom: f.createdFrom, createdTo: f.createdTo, minBytes: f.minBytes,
                           maxBytes: f.maxBytes, model: f.model, sessionId: f.sessionId, minRating: f.minRating)
    }
}
