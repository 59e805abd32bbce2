import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation
import Glibc

extension GalleryService {
    /// Deletes images: rows first (one transaction; all ids must exist or nothing changes), then
    /// their originals and thumbnails. A crash between the two leaves only orphan files, which
    /// `gallery.fsck` reports and repairs; never a row without its file.
    /// - Returns: the catalog's deletion result and how many files were removed.
    public func delete(_ ids: [String]) throws -> (result: DeletionResult, filesRemoved: Int) {
        var files: [String] = []
        for id in Set(ids) {
            let asset = try catalog.asset(id)
            files.append(absoluteImage(asset.path))
            if let thumb = asset.thumbnailPath { files.append(absoluteThumbnail(thumb)) }
        }
        let result = try catalog.deleteAssets(ids)
        var removed = 0
        for file in files where unlink(file) == 0 { removed += 1 }
        events?.publish(topic: EventTopic.gallery, method: "gallery.removed",
                        params: .object(JSONObject([("ids", .array(result.assetIds.map { .string($0) }))])))
        return (result, removed)
    }
}
