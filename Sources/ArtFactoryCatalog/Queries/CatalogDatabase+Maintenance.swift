import GRDB

extension CatalogDatabase {
    /// Deletes a generation with all its assets (for example a failed or unwanted run), rows first;
    /// returns the files to remove. Children keep existing and lose their parent link.
    /// Crash safety as in ``deleteAssets(_:deleteEmptyGenerations:)``.
    /// - Throws: `not_found`.
    public func deleteGeneration(_ id: String) throws -> DeletionResult {
        try write { db in
            try db.requireExists("generations", kind: "generation", id: id)
            let assetIds = try String.fetchAll(db, sql: "SELECT id FROM assets WHERE generation_id = ? ORDER BY id", arguments: [id])
            var result = try deleteAssetRows(db, assetIds, deleteEmptyGenerations: false)
            try db.execute(sql: "DELETE FROM generations WHERE id = ?", arguments: [id])
            result.generationIds = [id]
            return result
        }
    }

    /// Rebuilds the whole full-text index from the rows (a repair tool for fsck; the API keeps the
    /// index in step, so this is needed only after manual edits of the database file).
    public func rebuildSearchIndex() throws {
        try write { db in try SearchIndex.rebuildAll(db) }
    }

    /// SQLite's own consistency checks: page structure, indexes, foreign keys, and the full-text
    /// index against its rows. Returns the problems found; empty when the database is healthy.
    public func integrityProblems() throws -> [String] {
        try read { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA quick_check").filter { $0 != "ok" }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            problems += foreignKeys.map { row in "foreign key: table \(row[0] as String? ?? "?") rowid \(row[1] as Int64? ?? -1) references missing \(row[2] as String? ?? "?")" }
            let documents = try Int.fetchOne(db, sql: "SELECT count(*) FROM asset_search") ?? 0
            let assets = try Int.fetchOne(db, sql: "SELECT count(*) FROM assets") ?? 0
            if documents != assets {
                problems.append("search index has \(documents) documents for \(assets) images; run rebuildSearchIndex()")
            }
            return problems
        }
    }
}
