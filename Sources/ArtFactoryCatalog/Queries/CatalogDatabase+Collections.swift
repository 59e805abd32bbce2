import GRDB

extension CatalogDatabase {
    /// Creates a collection in a project, or a global one (`projectId == nil`).
    /// - Throws: `conflict` when the scope already has a collection with this name; `not_found` for the project.
    @discardableResult
    public func createCollection(_ name: String, projectId: String? = nil, description: String = "") throws -> ImageCollection {
        let name = try Validation.name(name, kind: "collection")
        return try write { db in
            if let projectId { try db.requireExists("projects", kind: "project", id: projectId) }
            try requireUniqueCollectionName(db, name, projectId: projectId, except: nil)
            let now = clock()
            let collection = ImageCollection(projectId: projectId, name: name, description: description, createdAt: now, updatedAt: now)
            try collection.insert(db)
            return collection
        }
    }

    /// Renames a collection; search finds its images by the new name at once.
    /// - Throws: `not_found`; `conflict` for a name taken in the same scope.
    @discardableResult
    public func renameCollection(_ id: String, to name: String, description: String? = nil) throws -> ImageCollection {
        let name = try Validation.name(name, kind: "collection")
        return try write { db in
            guard var collection = try ImageCollection.fetchOne(db, key: id) else { throw CatalogError.notFound("collection", id) }
            try requireUniqueCollectionName(db, name, projectId: collection.projectId, except: id)
            collection.name = name
            if let description { collection.description = description }
            collection.updatedAt = clock()
            try collection.update(db)
            try SearchIndex.reindex(db, where: "a.id IN (SELECT asset_id FROM collection_items WHERE collection_id = ?)", arguments: [id])
            return collection
        }
    }

    /// Deletes a collection; its images stay in the gallery (but lose this collection's retention protection).
    public func deleteCollection(_ id: String) throws {
        try write { db in
            try db.requireExists("collections", kind: "collection", id: id)
            let assetIds = try String.fetchAll(db, sql: "SELECT asset_id FROM collection_items WHERE collection_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM collections WHERE id = ?", arguments: [id])
            try SearchIndex.reindex(db, assetIds: assetIds)
        }
    }

    /// The collection with `id`.
    public func collection(_ id: String) throws -> ImageCollection {
        try read { db in
            guard let collection = try ImageCollection.fetchOne(db, key: id) else { throw CatalogError.notFound("collection", id) }
            return collection
        }
    }

    /// Collections with their sizes: all of them, or those of one project (`projectId`) plus, when
    /// `includeGlobal`, the global ones.
    public func listCollections(projectId: String? = nil, includeGlobal: Bool = true) throws -> [CollectionSummary] {
        try read { db in
            let condition = projectId == nil ? "1" : (includeGlobal ? "(c.project_id = ? OR c.project_id IS NULL)" : "c.project_id = ?")
            let arguments: StatementArguments = projectId.map { [$0] } ?? []
            return try Row.fetchAll(db, sql: """
                SELECT c.*, (SELECT count(*) FROM collection_items i WHERE i.collection_id = c.id) AS size
                FROM collections c WHERE \(condition) ORDER BY c.name
                """, arguments: arguments).map { CollectionSummary(collection: try ImageCollection(row: $0), count: $0["size"]) }
        }
    }

    /// Adds images to the end of a collection; images already in it keep their place.
    /// - Throws: `not_found` for the collection or any image (nothing changed).
    public func addToCollection(_ collectionId: String, assetIds: [String]) throws {
        try write { db in
            try db.requireExists("collections", kind: "collection", id: collectionId)
            try requireAssets(db, assetIds)
            var position = try Int64.fetchOne(db, sql: "SELECT ifnull(max(position), 0) FROM collection_items WHERE collection_id = ?",
                                              arguments: [collectionId]) ?? 0
            let now = clock()
            for assetId in assetIds {
                position += 1
                try db.execute(sql: "INSERT OR IGNORE INTO collection_items(collection_id, asset_id, position, added_at) VALUES (?, ?, ?, ?)",
                               arguments: [collectionId, assetId, position, now])
            }
            try db.execute(sql: "UPDATE collections SET updated_at = ? WHERE id = ?", arguments: [now, collectionId])
            try SearchIndex.reindex(db, assetIds: assetIds)
        }
    }

    /// Removes images from a collection (the images stay in the gallery).
    public func removeFromCollection(_ collectionId: String, assetIds: [String]) throws {
        try write { db in
            try db.requireExists("collections", kind: "collection", id: collectionId)
            try requireAssets(db, assetIds)
            for chunk in assetIds.chunked(500) {
                try db.execute(sql: "DELETE FROM collection_items WHERE collection_id = ? AND asset_id IN (\(databaseQuestionMarks(count: chunk.count)))",
                               arguments: [collectionId] + StatementArguments(chunk))
            }
            try db.execute(sql: "UPDATE collections SET updated_at = ? WHERE id = ?", arguments: [clock(), collectionId])
            try SearchIndex.reindex(db, assetIds: assetIds)
        }
    }

    /// The image ids of a collection in their order.
    public func collectionItems(_ collectionId: String) throws -> [String] {
        try read { db in
            try db.requireExists("collections", kind: "collection", id: collectionId)
            return try String.fetchAll(db, sql: "SELECT asset_id FROM collection_items WHERE collection_id = ? ORDER BY position",
                                       arguments: [collectionId])
        }
    }

    private func requireUniqueCollectionName(_ db: Database, _ name: String, projectId: String?, except id: String?) throws {
        let other = try String.fetchOne(db, sql: """
            SELECT id FROM collections WHERE ifnull(project_id, '') = ifnull(?, '') AND name = ? AND id IS NOT ?
            """, arguments: [projectId, name, id])
        if other != nil { throw CatalogError.duplicateName("collection", name) }
    }
}
