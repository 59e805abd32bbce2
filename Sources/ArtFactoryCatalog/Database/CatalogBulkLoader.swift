import GRDB

/// Fast insertion of many generations in one transaction with prepared statements (imports of
/// large histories, benchmarks). Obtained from ``CatalogDatabase/bulkLoad(_:)``; it is only valid
/// inside that closure and must not be kept.
///
/// It checks less than ``CatalogDatabase/insertGeneration(_:assets:tags:)``: ids, paths and
/// hashes are validated, references are enforced by SQLite's foreign keys, and duplicate ids or
/// paths fail the whole load with `conflict`.
public final class CatalogBulkLoader {
    private let db: Database
    private let now: Int64
    private let insertGeneration: Statement
    private let insertAsset: Statement
    private let insertTag: Statement
    private let insertCollectionItem: Statement
    private let insertSearch: Statement
    private var tagIds: [String: String] = [:]
    private var tagNames: [String: String] = [:]
    private var projectNames: [String: String] = [:]
    private var collectionNames: [String: String] = [:]
    private var positions: [String: Int64] = [:]
    /// Generations added so far.
    public private(set) var generationCount = 0
    /// Assets added so far.
    public private(set) var assetCount = 0

    init(_ db: Database, now: Int64) throws {
        self.db = db
        self.now = now
        insertGeneration = try db.makeStatement(sql: """
            INSERT INTO generations(id, session_id, parent_generation_id, project_id, prompt, negative_prompt, params, model,
                provider, seed, status, error, created_at, started_at, completed_at, duration_ms, cost, job_id, batch_id, remote_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertAsset = try db.makeStatement(sql: """
            INSERT INTO assets(id, generation_id, project_id, session_id, model, role, path, thumbnail_path, sha256, width, height,
                bytes, mime, created_at, pinned, favorited_at, rating, approved)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertTag = try db.makeStatement(sql: "INSERT OR IGNORE INTO asset_tags(asset_id, tag_id, added_at) VALUES (?, ?, ?)")
        insertCollectionItem = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO collection_items(collection_id, asset_id, position, added_at) VALUES (?, ?, ?, ?)
            """)
        insertSearch = try db.makeStatement(sql: """
            INSERT INTO asset_search(rowid, prompt, negative_prompt, tags, project, collections) VALUES (?, ?, ?, ?, ?, ?)
            """)
    }

    /// Adds a generation with its assets; each asset is tagged with `tags` and put in `collectionIds`.
    /// Assets take project, session and model from the generation.
    public func add(_ generation: Generation, assets: [Asset], tags: [String] = [], collectionIds: [String] = []) throws {
        try Validation.id(generation.id, .generation, name: "generation")
        try insertGeneration.execute(arguments: [
            generation.id, generation.sessionId, generation.parentGenerationId, generation.projectId, generation.prompt,
            generation.negativePrompt, generation.params, generation.model, generation.provider, generation.seed,
            generation.status, generation.error, generation.createdAt, generation.startedAt, generation.completedAt,
            generation.durationMs, generation.cost, generation.jobId, generation.batchId, generation.remoteId,
        ])
        generationCount += 1
        let tagIds = try tags.map { try tagId($0) }
        let tagText = tagIds.compactMap { tagNames[$0] }.joined(separator: " ")
        let projectText = try generation.projectId.map { try projectName($0) } ?? ""
        let collectionText = try collectionIds.map { try collectionName($0) }.joined(separator: " ")
        for asset in assets {
            try Validation.id(asset.id, .asset, name: "asset")
            try Validation.asset(asset)
            try insertAsset.execute(arguments: [
                asset.id, generation.id, generation.projectId, generation.sessionId, generation.model, asset.role,
                asset.path, asset.thumbnailPath, asset.sha256, asset.width, asset.height, asset.bytes, asset.mime,
                asset.createdAt, asset.pinned, asset.favoritedAt, asset.rating, asset.approved,
            ])
            let seq = db.lastInsertedRowID
            for tagId in tagIds { try insertTag.execute(arguments: [asset.id, tagId, now]) }
            for collectionId in collectionIds {
                let position = (positions[collectionId] ?? 0) + 1
                positions[collectionId] = position
                try insertCollectionItem.execute(arguments: [collectionId, asset.id, position, now])
            }
            try insertSearch.execute(arguments: [seq, generation.prompt, generation.negativePrompt, tagText, projectText, collectionText])
            assetCount += 1
        }
    }

    /// The id of the tag named `name`, created if missing.
    public func tagId(_ name: String) throws -> String {
        let name = try Validation.name(name, kind: "tag")
        let key = name.lowercased()
        if let id = tagIds[key] { return id }
        let tag: Tag
        if let existing = try Tag.fetchOne(db, sql: "SELECT * FROM tags WHERE name = ?", arguments: [name]) {
            tag = existing
        } else {
            tag = Tag(name: name, createdAt: now)
            try tag.insert(db)
        }
        tagIds[key] = tag.id
        tagNames[tag.id] = tag.name
        return tag.id
    }

    private func projectName(_ id: String) throws -> String {
        if let name = projectNames[id] { return name }
        guard let name = try String.fetchOne(db, sql: "SELECT name FROM projects WHERE id = ?", arguments: [id]) else {
            throw CatalogError.notFound("project", id)
        }
        projectNames[id] = name
        return name
    }

    private func collectionName(_ id: String) throws -> String {
        if let name = collectionNames[id] { return name }
        guard let name = try String.fetchOne(db, sql: "SELECT name FROM collections WHERE id = ?", arguments: [id]) else {
            throw CatalogError.notFound("collection", id)
        }
        collectionNames[id] = name
        positions[id] = try Int64.fetchOne(db, sql: "SELECT ifnull(max(position), 0) FROM collection_items WHERE collection_id = ?",
                                           arguments: [id]) ?? 0
        return name
    }
}

extension CatalogDatabase {
    /// Runs `body` with a ``CatalogBulkLoader`` inside one write transaction; an error from `body`
    /// rolls back everything it added. Uses up to 256 MiB of page cache while it runs.
    public func bulkLoad<T>(_ body: (CatalogBulkLoader) throws -> T) throws -> T {
        try write { db in
            // A large page cache for the duration of the load: with SQLite's small default, a big
            // transaction spills dirty pages to the WAL again and again (same page, many writes).
            let previous = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -262144")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(previous)") }
            let loader = try CatalogBulkLoader(db, now: clock())
            return try body(loader)
        }
    }
}
