import GRDB

/// What retention would remove, or removed.
public struct RetentionPlan: Codable, Sendable, Hashable {
    /// Generations created before this time (ms since the epoch) are candidates.
    public var cutoff: Int64
    public var generationIds: [String]
    public var assetIds: [String]
    /// Gallery-relative files (images and thumbnails) to delete, or deleted.
    public var paths: [String]
    /// `true` when nothing was changed.
    public var dryRun: Bool
}

extension CatalogDatabase {
    /// Default age after which history is removed.
    public static let defaultRetentionDays = 90

    /// What ``applyRetention(olderThanDays:dryRun:)`` would remove now, without changing anything.
    public func retentionCandidates(olderThanDays days: Int = CatalogDatabase.defaultRetentionDays) throws -> RetentionPlan {
        try applyRetention(olderThanDays: days, dryRun: true)
    }

    /// Removes history older than `days`: each generation created before the cutoff goes with all its
    /// files, unless any of its images is a favorite, pinned, or in a collection; then the whole
    /// generation stays (its inputs and siblings are kept for lineage). Children of a removed
    /// generation lose their parent link. Images without a generation (plain imports) are the
    /// user's own files, not history, and are never removed by retention.
    ///
    /// Crash safety is that of ``deleteAssets(_:deleteEmptyGenerations:)``: rows go first (one
    /// transaction), then the caller deletes the returned paths; leftovers are orphans for fsck.
    /// - Parameters:
    ///   - days: age limit in days (≥ 0).
    ///   - dryRun: when `true`, only report.
    public func applyRetention(olderThanDays days: Int = CatalogDatabase.defaultRetentionDays, dryRun: Bool) throws -> RetentionPlan {
        guard days >= 0, days <= 36_500 else { throw CatalogError.invalid("Retention age must be 0 to 36500 days; got \(days).") }
        let cutoff = clock() - Int64(days) * CatalogClock.day
        let body: (Database) throws -> RetentionPlan = { db in
            let generationIds = try String.fetchAll(db, sql: """
                SELECT g.id FROM generations g
                WHERE g.created_at < ?
                  AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.generation_id = g.id
                                  AND (a.pinned = 1 OR a.favorited_at IS NOT NULL
                                       OR EXISTS (SELECT 1 FROM collection_items i WHERE i.asset_id = a.id)))
                ORDER BY g.created_at, g.id
                """, arguments: [cutoff])
            var assetIds: [String] = []
            for chunk in generationIds.chunked(500) {
                assetIds += try String.fetchAll(db, sql: """
                    SELECT id FROM assets WHERE generation_id IN (\(databaseQuestionMarks(count: chunk.count))) ORDER BY created_at, id
                    """, arguments: StatementArguments(chunk))
            }
            var paths: [String] = []
            if dryRun {
                for chunk in assetIds.chunked(500) {
                    let rows = try Row.fetchAll(db, sql: "SELECT path, thumbnail_path FROM assets WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))",
                                                arguments: StatementArguments(chunk))
                    for row in rows {
                        paths.append(row[0])
                        if let thumbnail: String = row[1] { paths.append(thumbnail) }
                    }
                }
            } else {
                paths = try self.deleteAssetRows(db, assetIds, deleteEmptyGenerations: false).paths
                for chunk in generationIds.chunked(500) {
                    try db.execute(sql: "DELETE FROM generations WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))",
                                   arguments: StatementArguments(chunk))
                }
            }
            return RetentionPlan(cutoff: cutoff, generationIds: generationIds, assetIds: assetIds, paths: paths, dryRun: dryRun)
        }
        return dryRun ? try read(body) : try write(body)
    }
}
