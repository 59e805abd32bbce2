import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation
import Glibc

extension GalleryService {
    /// The catalog setting that overrides the default retention age (an integer number of days).
    public static let retentionDaysSetting = "gallery.retentionDays"

    /// Applies retention (see ``GalleryRetention``): rows first, then files.
    public func retention(olderThanDays: Int?, dryRun: Bool) throws -> GalleryRetention.Result {
        var days = CatalogDatabase.defaultRetentionDays
        if case .int(let configured)? = try catalog.setting(GalleryService.retentionDaysSetting) { days = Int(configured) }
        if let olderThanDays { days = olderThanDays }
        let plan = try catalog.applyRetention(olderThanDays: days, dryRun: dryRun)
        var bytes: Int64 = 0
        for path in Set(plan.paths) {
            for file in [absoluteImage(path), absoluteThumbnail(path)] {
                var st = stat()
                if stat(file, &st) == 0 { bytes += Int64(st.st_size) }
            }
        }
        if !dryRun {
            // Every gallery file is named by its image id, so a relative path names at most one
            // original and one thumbnail; remove it from both trees.
            for path in Set(plan.paths) {
                unlink(absoluteImage(path))
                unlink(absoluteThumbnail(path))
            }
            if !plan.assetIds.isEmpty {
                events?.publish(topic: EventTopic.gallery, method: "gallery.removed",
                                params: .object(JSONObject([("ids", .array(plan.assetIds.map { .string($0) }))])))
            }
        }
        return GalleryRetention.Result(cutoff: plan.cutoff, generationIds: plan.generationIds, imageIds: plan.assetIds,
                                       files: plan.paths.count, bytes: bytes, dryRun: dryRun)
    }
}
