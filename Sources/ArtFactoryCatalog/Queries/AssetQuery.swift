import GRDB

/// SQL for asset listings: filter conditions and keyset pages. Internal; see ``CatalogDatabase``.
enum AssetQuery {
    /// A tag on at least this many images is "common" (see the tag filter in ``conditions(_:_:)``).
    static let commonTag = 2_000

    /// A position in a listing: the sort key and id of a row.
    struct Key {
        var value: Int64
        var id: String
    }

    /// The WHERE conditions (over alias `a`) for `filter`.
    /// - Throws: `not_found` for unknown project, collection or session ids; `invalid_argument` for bad ranges.
    static func conditions(_ db: Database, _ filter: AssetFilter) throws -> (sql: [String], arguments: StatementArguments) {
        var sql: [String] = []
        var arguments = StatementArguments()
        if let projectId = filter.projectId {
            try db.requireExists("projects", kind: "project", id: projectId)
            sql.append("a.project_id = ?"); arguments += [projectId]
        }
        if let collectionId = filter.collectionId {
            try db.requireExists("collections", kind: "collection", id: collectionId)
            sql.append("a.id IN (SELECT asset_id FROM collection_items WHERE collection_id = ?)"); arguments += [collectionId]
        }
        if let sessionId = filter.sessionId {
            try db.requireExists("sessions", kind: "session", id: sessionId)
            sql.append("a.session_id = ?"); arguments += [sessionId]
        }
        if let generationId = filter.generationId {
            sql.append("a.generation_id = ?"); arguments += [generationId]
        }
        for name in filter.tags ?? [] {
            guard let tagId = try String.fetchOne(db, sql: "SELECT id FROM tags WHERE name = ?",
                                                  arguments: [name.trimmingCharacters(in: .whitespaces)]) else {
                sql.append("0")   // an unknown tag matches nothing
                continue
            }
            // Pick the plan by how common the tag is, at a bounded cost (at most `commonTag` index
            // entries read): a rare tag's images are collected and sorted; for a common tag the
            // sort index is walked and each row probed, which finds a page after few probes.
            let seen = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM asset_tags WHERE tag_id = ? LIMIT ?)",
                                        arguments: [tagId, commonTag]) ?? 0
            if seen >= commonTag {
                sql.append("EXISTS (SELECT 1 FROM asset_tags x WHERE x.asset_id = a.id AND x.tag_id = ?)")
            } else {
                sql.append("a.id IN (SELECT asset_id FROM asset_tags WHERE tag_id = ?)")
            }
            arguments += [tagId]
        }
        if let favorite = filter.favorite {
            sql.append(favorite ? "a.favorited_at IS NOT NULL" : "a.favorited_at IS NULL")
        }
        if let pinned = filter.pinned {
            sql.append("a.pinned = ?"); arguments += [pinned]
        }
        if let mime = filter.mimePrefix, !mime.isEmpty {
            if mime.hasSuffix("/") {
                sql.append("substr(a.mime, 1, ?) = ?"); arguments += [mime.count, mime.lowercased()]
            } else {
                sql.append("a.mime = ?"); arguments += [mime.lowercased()]
            }
        }
        if let from = filter.createdFrom { sql.append("a.created_at >= ?"); arguments += [from] }
        if let to = filter.createdTo { sql.append("a.created_at < ?"); arguments += [to] }
        if let from = filter.createdFrom, let to = filter.createdTo, from > to {
            throw CatalogError.invalid("The date range is empty: createdFrom is after createdTo.")
        }
        if let minBytes = filter.minBytes { sql.append("a.bytes >= ?"); arguments += [minBytes] }
        if let maxBytes = filter.maxBytes { sql.append("a.bytes <= ?"); arguments += [maxBytes] }
        if let minBytes = filter.minBytes, let maxBytes = filter.maxBytes, minBytes > maxBytes {
            throw CatalogError.invalid("The size range is empty: minBytes is larger than maxBytes.")
        }
        if let model = filter.model { sql.append("a.model = ?"); arguments += [model] }
        if let roles = filter.roles, !roles.isEmpty {
            sql.append("a.role IN (\(databaseQuestionMarks(count: roles.count)))")
            arguments += StatementArguments(roles.map(\.rawValue))
        }
        if let minRating = filter.minRating {
            try Validation.rating(minRating)
            sql.append("a.rating >= ?"); arguments += [minRating]
        }
        return (sql, arguments)
    }

    /// The rows after `after` (exclusive) in `sort` order, at most `limit`.
    static func fetchPage(_ db: Database, filter: AssetFilter, sort: AssetSort, after: Key?, limit: Int) throws -> [Asset] {
        var (conditions, arguments) = try conditions(db, filter)
        let column = "a." + sort.column
        let direction = sort.descending ? "DESC" : "ASC"
        if let after {
            conditions.append("(\(column), a.id) \(sort.descending ? "<" : ">") (?, ?)")
            arguments += [after.value, after.id]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [limit]
        return try Asset.fetchAll(db, sql: """
            SELECT a.* FROM assets a \(whereClause) ORDER BY \(column) \(direction), a.id \(direction) LIMIT ?
            """, arguments: arguments)
    }
}
