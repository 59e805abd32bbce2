import GRDB

/// One asset's file facts, as streamed to `fsck`.
public struct AssetFileEntry: Sendable, Hashable {
    public var id: String
    public var path: String
    public var thumbnailPath: String?
    public var sha256: String
    public var bytes: Int64
}

extension CatalogDatabase {
    /// The asset with `id`.
    /// - Throws: `not_found`.
    public func asset(_ id: String) throws -> Asset {
        try read { db in try fetchAsset(db, id) }
    }

    /// An asset with its generation, tags and collections.
    /// - Throws: `not_found`.
    public func assetDetail(_ id: String) throws -> AssetDetail {
        try read { db in
            let asset = try fetchAsset(db, id)
            let generation = try asset.generationId.flatMap { try Generation.fetchOne(db, key: $0) }
            let collections = try ImageCollection.fetchAll(db, sql: """
                SELECT c.* FROM collections c JOIN collection_items i ON i.collection_id = c.id WHERE i.asset_id = ? ORDER BY c.name
                """, arguments: [id])
            return AssetDetail(asset: asset, generation: generation, tags: try tagsOf(db, assetId: id), collections: collections)
        }
    }

    /// Assets whose file has this SHA-256 (import links to these instead of copying twice).
    public func assets(withSHA256 sha256: String) throws -> [Asset] {
        try read { db in
            try Asset.fetchAll(db, sql: "SELECT * FROM assets WHERE sha256 = ? ORDER BY created_at, id", arguments: [sha256.lowercased()])
        }
    }

    /// Marks images as favorites (`true`, stamped now) or not. Favorites never expire.
    /// - Throws: `not_found` for any unknown id (nothing changed).
    public func setFavorite(_ assetIds: [String], _ favorite: Bool) throws {
        try updateAssets(assetIds, set: favorite ? "favorited_at = ifnull(favorited_at, ?)" : "favorited_at = NULL",
                         favorite ? [clock()] : [])
    }

    /// Sets the rating, 0 (none) to 5.
    /// - Throws: `invalid_argument` for a rating out of range; `not_found`.
    public func setRating(_ assetIds: [String], _ rating: Int) throws {
        try Validation.rating(rating)
        try updateAssets(assetIds, set: "rating = ?", [rating])
    }

    /// Approves (`true`), rejects (`false`) or clears (`nil`) the review state.
    public func setApproval(_ assetIds: [String], _ approved: Bool?) throws {
        try updateAssets(assetIds, set: "approved = ?", [approved])
    }

    /// Pins or unpins images; pinned images are never removed by retention.
    public func setPinned(_ assetIds: [String], _ pinned: Bool) throws {
        try updateAssets(assetIds, set: "pinned = ?", [pinned])
    }

    /// Records new file facts for an asset (fsck repair after re-hashing, or a regenerated thumbnail).
    /// - Throws: `not_found`; `invalid_argument` for a malformed hash or path.
    public func updateAssetFile(_ id: String, sha256: String? = nil, bytes: Int64? = nil,
                                thumbnailPath: String?? = nil) throws {
        if let sha256 { try Validation.sha256(sha256) }
        if let thumbnail = thumbnailPath, let path = thumbnail { try Validation.relativePath(path) }
        try write { db in
            var asset = try fetchAsset(db, id)
            if let sha256 { asset.sha256 = sha256 }
            if let bytes { asset.bytes = bytes }
            if let thumbnailPath { asset.thumbnailPath = thumbnailPath }
            try db.execute(sql: "UPDATE assets SET sha256 = ?, bytes = ?, thumbnail_path = ? WHERE id = ?",
                           arguments: [asset.sha256, asset.bytes, asset.thumbnailPath, id])
        }
    }

    /// Deletes images (`gallery.delete`), rows first; returns the files the caller must then remove.
    ///
    /// Crash safety: rows are deleted and committed *before* any file is touched. If the process dies
    /// after the commit but before the files are removed, the leftovers are orphan files that no row
    /// points to; `fsck` lists and removes them. The reverse order could leave rows pointing at
    /// missing files, which the user would see as broken images.
    /// - Parameters:
    ///   - assetIds: images to delete; all must exist.
    ///   - deleteEmptyGenerations: also delete a generation whose last asset this removes.
    /// - Throws: `not_found` for any unknown id (nothing deleted).
    public func deleteAssets(_ assetIds: [String], deleteEmptyGenerations: Bool = true) throws -> DeletionResult {
        try write { db in
            try requireAssets(db, assetIds)
            return try deleteAssetRows(db, Array(Set(assetIds)).sorted(), deleteEmptyGenerations: deleteEmptyGenerations)
        }
    }

    /// Streams every asset's file facts in path order, without loading them all (fsck drift check).
    /// `body` runs inside one read snapshot; keep it quick (no file I/O that could take minutes) or
    /// collect what you need and check files afterwards.
    public func forEachAssetFile(_ body: (AssetFileEntry) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, path, thumbnail_path, sha256, bytes FROM assets ORDER BY path")
            while let row = try rows.next() {
                try body(AssetFileEntry(id: row[0], path: row[1], thumbnailPath: row[2], sha256: row[3], bytes: row[4]))
            }
        }
    }

    /// Number of assets.
    public func assetCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM assets") ?? 0 }
    }

    // MARK: - Helpers

    func fetchAsset(_ db: Database, _ id: String) throws -> Asset {
        guard let asset = try Asset.fetchOne(db, sql: "SELECT * FROM assets WHERE id = ?", arguments: [id]) else {
            throw CatalogError.notFound("asset", id)
        }
        return asset
    }

    private func updateAssets(_ ids: [String], set assignment: String, _ values: StatementArguments) throws {
        try write { db in
            try requireAssets(db, ids)
            for chunk in ids.chunked(500) {
                try db.execute(sql: "UPDATE assets SET \(assignment) WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))",
                               arguments: values + StatementArguments(chunk))
            }
        }
    }

    func deleteAssetRows(_ db: Database, _ ids: [String], deleteEmptyGenerations: Bool) throws -> DeletionResult {
        var paths: [String] = []
        var generationIds = Set<String>()
        for chunk in ids.chunked(500) {
            let marks = databaseQuestionMarks(count: chunk.count)
            let rows = try Row.fetchAll(db, sql: "SELECT path, thumbnail_path, generation_id FROM assets WHERE id IN (\(marks))",
                                        arguments: StatementArguments(chunk))
            for row in rows {
                paths.append(row[0])
                if let thumbnail: String = row[1] { paths.append(thumbnail) }
                if let generationId: String = row[2] { generationIds.insert(generationId) }
            }
            try db.execute(sql: "DELETE FROM assets WHERE id IN (\(marks))", arguments: StatementArguments(chunk))
        }
        var deletedGenerations: [String] = []
        if deleteEmptyGenerations {
            for generationId in generationIds.sorted() {
                let remaining = try Int.fetchOne(db, sql: "SELECT count(*) FROM assets WHERE generation_id = ?",
                                                 arguments: [generationId]) ?? 0
                if remaining == 0 {
                    try db.execute(sql: "DELETE FROM generations WHERE id = ?", arguments: [generationId])
                    deletedGenerations.append(generationId)
                }
            }
        }
        return DeletionResult(assetIds: ids, generationIds: deletedGenerations, paths: paths)
    }
}
