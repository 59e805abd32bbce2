import GRDB

extension CatalogDatabase {
    /// A snapshot of the given images (nil: every image) with their generations, projects,
    /// sessions, tags and collections, for export.
    /// - Throws: `not_found` for an unknown asset id.
    public func snapshot(assetIds: [String]? = nil) throws -> CatalogSnapshot {
        try read { db in
            var assets: [Asset]
            if let assetIds {
                assets = try assetIds.map { try fetchAsset(db, $0) }
            } else {
                assets = try Asset.fetchAll(db, sql: "SELECT * FROM assets ORDER BY created_at, id")
            }
            let ids = Set(assets.map(\.id))
            let generationIds = Set(assets.compactMap(\.generationId))
            let generations = try generationIds.sorted().chunked(500).flatMap { chunk in
                try Generation.fetchAll(db, sql: "SELECT * FROM generations WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))",
                                        arguments: StatementArguments(chunk))
            }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            let sessionIds = Set(assets.compactMap(\.sessionId) + generations.compactMap(\.sessionId))
            let sessions = try sessionIds.sorted().compactMap { try Session.fetchOne(db, key: $0) }
            let projectIds = Set(assets.compactMap(\.projectId) + generations.compactMap(\.projectId) + sessions.compactMap(\.projectId))
            var tags: [String: [String]] = [:]
            for asset in assets {
                let names = try tagsOf(db, assetId: asset.id).map(\.name)
                if !names.isEmpty { tags[asset.id] = names }
            }
            var collections: [CatalogSnapshot.CollectionEntry] = []
            for collection in try ImageCollection.fetchAll(db, sql: "SELECT * FROM collections ORDER BY name, id") {
                let members = try String.fetchAll(db, sql: "SELECT asset_id FROM collection_items WHERE collection_id = ? ORDER BY position",
                                                  arguments: [collection.id]).filter { ids.contains($0) }
                if !members.isEmpty { collections.append(.init(collection: collection, assetIds: members)) }
            }
            let allProjectIds = projectIds.union(collections.compactMap(\.collection.projectId))
            let projects = try allProjectIds.sorted().compactMap { try Project.fetchOne(db, key: $0) }
            return CatalogSnapshot(version: CatalogSnapshot.currentVersion, exportedAt: clock(), projects: projects,
                                   sessions: sessions, generations: generations, assets: assets, tags: tags,
                                   collections: collections)
        }
    }

    /// Recreates a snapshot in this catalog, in one transaction, keeping ids.
    ///
    /// Projects match by id, then by name; collections by id, then by name in their project; tags
    /// by name. An image whose id or sha256 already exists is *linked*: no new row, its tags and
    /// collections are added to the existing image, favorite/pin are OR-ed and the higher rating
    /// kept. Call this after the files of the created images are in place (same contract as
    /// ``insertGeneration(_:assets:tags:)``); linked images need no file.
    /// - Parameters:
    ///   - snapshot: the manifest's content.
    ///   - pathFor: where each new image's file lives in this gallery (default: its snapshot path).
    /// - Throws: `conflict` when a new image's path is already used by another file.
    public func importSnapshot(_ snapshot: CatalogSnapshot, pathFor: ((Asset) -> String)? = nil) throws -> SnapshotImportReport {
        try write { db in
            var report = SnapshotImportReport(createdAssetIds: [], linkedAssetIds: [:], createdGenerationIds: [])
            var projectMap: [String: String] = [:]
            for project in snapshot.projects {
                projectMap[project.id] = try importProject(db, project)
            }
            let mapProject = { (id: String?) in id.flatMap { projectMap[$0] } }
            for var session in snapshot.sessions where try !Session.exists(db, key: session.id) {
                session.projectId = mapProject(session.projectId)
                try session.insert(db)
            }
            for var generation in snapshot.generations.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
                if try Generation.exists(db, key: generation.id) { continue }
                generation.projectId = mapProject(generation.projectId)
                if let sessionId = generation.sessionId, try !Session.exists(db, key: sessionId) { generation.sessionId = nil }
                if let parentId = generation.parentGenerationId, try !Generation.exists(db, key: parentId) { generation.parentGenerationId = nil }
                try generation.insert(db)
                report.createdGenerationIds.append(generation.id)
            }
            var assetMap: [String: String] = [:]
            for var asset in snapshot.assets {
                let existing = try Asset.fetchOne(db, sql: "SELECT * FROM assets WHERE id = ?", arguments: [asset.id])
                    ?? Asset.fetchOne(db, sql: "SELECT * FROM assets WHERE sha256 = ? ORDER BY created_at LIMIT 1", arguments: [asset.sha256])
                if let existing {
                    assetMap[asset.id] = existing.id
                    report.linkedAssetIds[asset.id] = existing.id
                    try db.execute(sql: """
                        UPDATE assets SET favorited_at = ifnull(favorited_at, ?), pinned = (pinned OR ?), rating = max(rating, ?),
                        approved = ifnull(approved, ?) WHERE id = ?
                        """, arguments: [asset.favoritedAt, asset.pinned, asset.rating, asset.approved, existing.id])
                    continue
                }
                asset.projectId = mapProject(asset.projectId)
                if let generationId = asset.generationId, try !Generation.exists(db, key: generationId) { asset.generationId = nil }
                if let sessionId = asset.sessionId, try !Session.exists(db, key: sessionId) { asset.sessionId = nil }
                if let pathFor { asset.path = pathFor(asset) }
                try Validation.asset(asset)
                try insertAssetRow(db, asset)
                assetMap[asset.id] = asset.id
                report.createdAssetIds.append(asset.id)
            }
            for (assetId, names) in snapshot.tags {
                guard let target = assetMap[assetId] else { continue }
                try attachTags(db, names: names, to: [target])
            }
            for entry in snapshot.collections {
                let collectionId = try importCollection(db, entry.collection, projectId: mapProject(entry.collection.projectId))
                var position = try Int64.fetchOne(db, sql: "SELECT ifnull(max(position), 0) FROM collection_items WHERE collection_id = ?",
                                                  arguments: [collectionId]) ?? 0
                for assetId in entry.assetIds {
                    guard let target = assetMap[assetId] else { continue }
                    position += 1
                    try db.execute(sql: "INSERT OR IGNORE INTO collection_items(collection_id, asset_id, position, added_at) VALUES (?, ?, ?, ?)",
                                   arguments: [collectionId, target, position, clock()])
                }
            }
            try SearchIndex.reindex(db, assetIds: Array(Set(assetMap.values)).sorted())
            return report
        }
    }

    private func importProject(_ db: Database, _ project: Project) throws -> String {
        if try Project.exists(db, key: project.id) { return project.id }
        if let byName = try Project.fetchOne(db, sql: "SELECT * FROM projects WHERE name = ?", arguments: [project.name]) {
            return byName.id
        }
        var copy = project
        copy.defaultProfileId = nil
        var suffix = 2
        while try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM projects WHERE slug = ?)", arguments: [copy.slug]) == true {
            copy.slug = "\(project.slug)-\(suffix)"
            suffix += 1
        }
        try copy.insert(db)
        return copy.id
    }

    private func importCollection(_ db: Database, _ collection: ImageCollection, projectId: String?) throws -> String {
        if try ImageCollection.exists(db, key: collection.id) { return collection.id }
        if let existing = try String.fetchOne(db, sql: """
            SELECT id FROM collections WHERE ifnull(project_id, '') = ifnull(?, '') AND name = ?
            """, arguments: [projectId, collection.name]) {
            return existing
        }
        var copy = collection
        copy.projectId = projectId
        try copy.insert(db)
        return copy.id
    }
}
