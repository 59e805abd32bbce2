import GRDB

extension CatalogDatabase {
    /// Every tag with the number of images carrying it, by name.
    public func listTags() throws -> [TagCount] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.*, (SELECT count(*) FROM asset_tags x WHERE x.tag_id = t.id) AS usage
                FROM tags t ORDER BY t.name
                """).map { row in TagCount(tag: try Tag(row: row), count: row["usage"]) }
        }
    }

    /// The tag named `name` (case-insensitive), or nil.
    public func tag(named name: String) throws -> Tag? {
        try read { db in try Tag.fetchOne(db, sql: "SELECT * FROM tags WHERE name = ?", arguments: [name.trimmingCharacters(in: .whitespaces)]) }
    }

    /// Creates a tag, or returns the existing one with the same name (case-insensitive).
    @discardableResult
    public func createTag(_ name: String) throws -> Tag {
        let name = try Validation.name(name, kind: "tag")
        return try write { db in try findOrCreateTag(db, name) }
    }

    /// Tags images (`tag.add`); missing tags are created. Already-tagged images are left alone.
    /// - Throws: `not_found` for an unknown asset (nothing is changed).
    public func addTags(_ names: [String], to assetIds: [String]) throws {
        let names = try names.map { try Validation.name($0, kind: "tag") }
        try write { db in
            try requireAssets(db, assetIds)
            try attachTags(db, names: names, to: assetIds)
            try SearchIndex.reindex(db, assetIds: assetIds)
        }
    }

    /// Removes tags from images (`tag.remove`); the tags themselves stay (see ``deleteTag(_:)``).
    /// - Throws: `not_found` for an unknown asset.
    public func removeTags(_ names: [String], from assetIds: [String]) throws {
        try write { db in
            try requireAssets(db, assetIds)
            for name in names {
                guard let tag = try Tag.fetchOne(db, sql: "SELECT * FROM tags WHERE name = ?", arguments: [name]) else { continue }
                for chunk in assetIds.chunked(500) {
                    try db.execute(sql: "DELETE FROM asset_tags WHERE tag_id = ? AND asset_id IN (\(databaseQuestionMarks(count: chunk.count)))",
                                   arguments: [tag.id] + StatementArguments(chunk))
                }
            }
            try SearchIndex.reindex(db, assetIds: assetIds)
        }
    }

    /// Renames a tag everywhere (`tag.rename`); search finds images by the new name at once.
    /// Changing only the letter case is allowed.
    /// - Throws: `not_found`; `conflict` when another tag already has the name.
    @discardableResult
    public func renameTag(_ id: String, to newName: String) throws -> Tag {
        let newName = try Validation.name(newName, kind: "tag")
        return try write { db in
            guard var tag = try Tag.fetchOne(db, key: id) else { throw CatalogError.notFound("tag", id) }
            if let other = try Tag.fetchOne(db, sql: "SELECT * FROM tags WHERE name = ?", arguments: [newName]), other.id != id {
                throw CatalogError.duplicateName("tag", newName)
            }
            tag.name = newName
            try tag.update(db)
            try SearchIndex.reindex(db, where: "a.id IN (SELECT asset_id FROM asset_tags WHERE tag_id = ?)", arguments: [id])
            return tag
        }
    }

    /// Deletes a tag and removes it from every image.
    /// - Throws: `not_found`.
    public func deleteTag(_ id: String) throws {
        try write { db in
            guard try Tag.exists(db, key: id) else { throw CatalogError.notFound("tag", id) }
            let assetIds = try String.fetchAll(db, sql: "SELECT asset_id FROM asset_tags WHERE tag_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM tags WHERE id = ?", arguments: [id])
            try SearchIndex.reindex(db, assetIds: assetIds)
        }
    }

    // MARK: - Helpers

    func findOrCreateTag(_ db: Database, _ name: String) throws -> Tag {
        if let tag = try Tag.fetchOne(db, sql: "SELECT * FROM tags WHERE name = ?", arguments: [name]) { return tag }
        let tag = Tag(name: name, createdAt: clock())
        try tag.insert(db)
        return tag
    }

    func attachTags(_ db: Database, names: [String], to assetIds: [String]) throws {
        guard !names.isEmpty, !assetIds.isEmpty else { return }
        let now = clock()
        for name in names {
            let tag = try findOrCreateTag(db, try Validation.name(name, kind: "tag"))
            for assetId in assetIds {
                try db.execute(sql: "INSERT OR IGNORE INTO asset_tags(asset_id, tag_id, added_at) VALUES (?, ?, ?)",
                               arguments: [assetId, tag.id, now])
            }
        }
    }

    func tagsOf(_ db: Database, assetId: String) throws -> [Tag] {
        try Tag.fetchAll(db, sql: """
            SELECT t.* FROM tags t JOIN asset_tags x ON x.tag_id = t.id WHERE x.asset_id = ? ORDER BY t.name
            """, arguments: [assetId])
    }

    /// Throws `not_found` naming the first unknown asset id, or `invalid_argument` for an empty list.
    func requireAssets(_ db: Database, _ ids: [String]) throws {
        guard !ids.isEmpty else { throw CatalogError.invalid("Give at least one image id.") }
        for id in ids {
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM assets WHERE id = ?)", arguments: [id]) == true else {
                throw CatalogError.notFound("asset", id)
            }
        }
    }
}
