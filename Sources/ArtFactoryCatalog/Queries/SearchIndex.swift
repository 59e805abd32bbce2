import GRDB

/// Keeps the `asset_search` FTS5 table in step with the rows it summarises.
///
/// One document per asset (rowid = `assets.seq`) with columns prompt, negative_prompt, tags,
/// project, collections. Deleting an asset removes its document by trigger. Every API that
/// changes what a document would contain (a generation's prompt, tagging, a tag rename, a project
/// or collection rename, collection membership) calls ``reindex(_:where:arguments:)`` in the same
/// transaction, so the index can never be stale after a commit.
enum SearchIndex {
    /// Rebuilds the documents of the assets matching `condition` (SQL over alias `a` = assets).
    static func reindex(_ db: Database, where condition: String, arguments: StatementArguments = []) throws {
        try db.execute(sql: "DELETE FROM asset_search WHERE rowid IN (SELECT a.seq FROM assets a WHERE \(condition))",
                       arguments: arguments)
        try db.execute(sql: """
            INSERT INTO asset_search(rowid, prompt, negative_prompt, tags, project, collections)
            SELECT a.seq, ifnull(g.prompt, ''), ifnull(g.negative_prompt, ''),
                   ifnull((SELECT group_concat(t.name, ' ') FROM asset_tags x JOIN tags t ON t.id = x.tag_id
                           WHERE x.asset_id = a.id), ''),
                   ifnull(p.name, ''),
                   ifnull((SELECT group_concat(c.name, ' ') FROM collection_items i JOIN collections c ON c.id = i.collection_id
                           WHERE i.asset_id = a.id), '')
            FROM assets a
            LEFT JOIN generations g ON g.id = a.generation_id
            LEFT JOIN projects p ON p.id = a.project_id
            WHERE \(condition)
            """, arguments: arguments)
    }

    /// Rebuilds the documents of the given asset ids.
    static func reindex(_ db: Database, assetIds: [String]) throws {
        guard !assetIds.isEmpty else { return }
        for chunk in assetIds.chunked(500) {
            let marks = databaseQuestionMarks(count: chunk.count)
            try reindex(db, where: "a.id IN (\(marks))", arguments: StatementArguments(chunk))
        }
    }

    /// Rebuilds every document (repair tool; also used after snapshot import).
    static func rebuildAll(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM asset_search")
        try reindex(db, where: "1")
    }
}

extension Array {
    /// Splits into consecutive slices of at most `size` elements (SQLite caps bound parameters).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
