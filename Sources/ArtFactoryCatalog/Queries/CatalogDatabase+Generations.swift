import ArtFactoryJSON
import GRDB

extension CatalogDatabase {
    /// Records a generation with its files and tags in one transaction.
    ///
    /// Crash safety: the gallery writes every file (temp, fsync, rename) *before* calling this, and
    /// this call commits the generation, its assets, tags and search documents atomically. A crash
    /// before the commit leaves files without rows (orphans `fsck` removes); after the commit,
    /// everything is present. No state has a row without its file.
    ///
    /// Each asset's `generationId`, `projectId`, `sessionId` and `model` are set from the generation.
    /// - Parameters:
    ///   - generation: the record; its `id` must be new.
    ///   - assets: files of this generation (paths relative to the gallery, unique).
    ///   - tags: tag names applied to every asset (created when missing, case-insensitive).
    /// - Returns: the stored assets.
    /// - Throws: `not_found` for an unknown project, session or parent; `conflict` for a duplicate
    ///   id or path; `invalid_argument` for malformed fields.
    @discardableResult
    public func insertGeneration(_ generation: Generation, assets: [Asset] = [], tags: [String] = []) throws -> [Asset] {
        try Validation.id(generation.id, .generation, name: "generation")
        return try write { db in
            try insertGenerationRow(db, generation)
            return try insertAssets(db, assets, of: generation, tags: tags)
        }
    }

    /// Inserts one new generation row after checking its references (inside a write).
    func insertGenerationRow(_ db: Database, _ generation: Generation) throws {
        try checkReferences(db, generation)
        if try Generation.exists(db, key: generation.id) {
            throw CatalogError(.conflict, "A generation with id '\(generation.id)' already exists; use a new id.")
        }
        try generation.insert(db)
    }

    /// Adds files to an existing generation (results arriving after the row was created).
    /// Same crash-safety contract as ``insertGeneration(_:assets:tags:)``.
    @discardableResult
    public func addAssets(_ assets: [Asset], toGeneration generationId: String, tags: [String] = []) throws -> [Asset] {
        try write { db in
            guard let generation = try Generation.fetchOne(db, key: generationId) else {
                throw CatalogError.notFound("generation", generationId)
            }
            return try insertAssets(db, assets, of: generation, tags: tags)
        }
    }

    /// Records a file that belongs to no generation (a plain import). Same crash-safety contract.
    @discardableResult
    public func insertAsset(_ asset: Asset, tags: [String] = []) throws -> Asset {
        guard asset.generationId == nil else {
            throw CatalogError.invalid("This image names a generation; record it with addAssets(_:toGeneration:) instead.")
        }
        return try write { db in
            if let projectId = asset.projectId { try db.requireExists("projects", kind: "project", id: projectId) }
            if let sessionId = asset.sessionId { try db.requireExists("sessions", kind: "session", id: sessionId) }
            try Validation.asset(asset)
            try insertAssetRow(db, asset)
            try attachTags(db, names: tags, to: [asset.id])
            try SearchIndex.reindex(db, assetIds: [asset.id])
            return asset
        }
    }

    /// Replaces a generation's fields (status, timing, error, prompt...). Its assets follow a change of
    /// project, session or model, and the search index follows a change of prompt.
    /// - Throws: `not_found` for an unknown id or reference.
    public func updateGeneration(_ generation: Generation) throws {
        try write { db in
            guard try Generation.exists(db, key: generation.id) else { throw CatalogError.notFound("generation", generation.id) }
            try checkReferences(db, generation)
            if let parentId = generation.parentGenerationId {
                // The new parent must not descend from this generation (the lineage stays a tree).
                let cycle = try Bool.fetchOne(db, sql: """
                    WITH RECURSIVE chain(id, depth) AS (
                        SELECT ?, 0
                        UNION ALL
                        SELECT g.parent_generation_id, chain.depth + 1 FROM generations g JOIN chain ON g.id = chain.id
                        WHERE g.parent_generation_id IS NOT NULL AND chain.depth < 10000)
                    SELECT EXISTS(SELECT 1 FROM chain WHERE id = ?)
                    """, arguments: [parentId, generation.id]) ?? false
                if cycle { throw CatalogError.invalid("Generation '\(parentId)' descends from '\(generation.id)'; a generation cannot be its own ancestor.") }
            }
            try generation.update(db)
            try db.execute(sql: "UPDATE assets SET project_id = ?, session_id = ?, model = ? WHERE generation_id = ?",
                           arguments: [generation.projectId, generation.sessionId, generation.model, generation.id])
            try SearchIndex.reindex(db, where: "a.generation_id = ?", arguments: [generation.id])
        }
    }

    /// The generation with `id`.
    /// - Throws: `not_found`.
    public func generation(_ id: String) throws -> Generation {
        try read { db in
            guard let generation = try Generation.fetchOne(db, key: id) else { throw CatalogError.notFound("generation", id) }
            return generation
        }
    }

    /// Generations newest first (keyset by created time), for history views.
    public func generations(before createdAt: Int64? = nil, limit: Int = 100) throws -> [Generation] {
        try Validation.limit(limit)
        return try read { db in
            try Generation.fetchAll(db, sql: """
                SELECT * FROM generations WHERE created_at < ? ORDER BY created_at DESC, id DESC LIMIT ?
                """, arguments: [createdAt ?? Int64.max, limit])
        }
    }

    /// A generation with its assets, tags, collections, lineage and neighbours.
    /// - Throws: `not_found`.
    public func generationDetail(_ id: String) throws -> GenerationDetail {
        try read { db in
            guard let generation = try Generation.fetchOne(db, key: id) else { throw CatalogError.notFound("generation", id) }
            let assets = try Asset.fetchAll(db, sql: "SELECT * FROM assets WHERE generation_id = ? ORDER BY created_at, id",
                                            arguments: [id])
            var tags: [String: [Tag]] = [:]
            for asset in assets { tags[asset.id] = try tagsOf(db, assetId: asset.id) }
            let collections = try ImageCollection.fetchAll(db, sql: """
                SELECT DISTINCT c.* FROM collections c JOIN collection_items i ON i.collection_id = c.id
                JOIN assets a ON a.id = i.asset_id WHERE a.generation_id = ? ORDER BY c.name
                """, arguments: [id])
            let ancestors = try Generation.fetchAll(db, sql: """
                WITH RECURSIVE chain(id, depth) AS (
                    SELECT parent_generation_id, 1 FROM generations WHERE id = ?
                    UNION ALL
                    SELECT g.parent_generation_id, chain.depth + 1 FROM generations g JOIN chain ON g.id = chain.id
                    WHERE chain.depth < 1000)
                SELECT g.* FROM chain JOIN generations g ON g.id = chain.id ORDER BY chain.depth
                """, arguments: [id])
            let children = try Generation.fetchAll(db, sql: """
                SELECT * FROM generations WHERE parent_generation_id = ? ORDER BY created_at, rowid
                """, arguments: [id])
            var previous: String?
            var next: String?
            if let first = assets.first {
                let key = AssetQuery.Key(value: first.createdAt, id: first.id)
                next = try AssetQuery.fetchPage(db, filter: AssetFilter(), sort: AssetSort(field: .created, descending: false),
                                                after: key, limit: 1).first?.id
                previous = try AssetQuery.fetchPage(db, filter: AssetFilter(), sort: AssetSort(field: .created, descending: true),
                                                    after: key, limit: 1).first?.id
            }
            return GenerationDetail(generation: generation, assets: assets, tags: tags, collections: collections,
                                    ancestors: ancestors, children: children, previousAssetId: previous, nextAssetId: next)
        }
    }

    /// Compares two or more generations: their top-level fields and every (flattened) parameter.
    /// - Throws: `invalid_argument` for fewer than two ids; `not_found` for an unknown id.
    public func compare(_ ids: [String]) throws -> GenerationComparison {
        guard ids.count >= 2 else { throw CatalogError.invalid("Compare needs at least two generation ids.") }
        let generations = try read { db in
            try ids.map { id in
                guard let generation = try Generation.fetchOne(db, key: id) else { throw CatalogError.notFound("generation", id) }
                return generation
            }
        }
        let flattened: [[String: CatalogJSON]] = generations.map { generation in
            var fields: [String: CatalogJSON] = [
                "prompt": .string(generation.prompt), "negativePrompt": .string(generation.negativePrompt),
                "model": .string(generation.model), "provider": .string(generation.provider),
            ]
            if let seed = generation.seed { fields["seed"] = .int(seed) }
            for (key, value) in generation.params.flattened() where !key.isEmpty { fields["params." + key] = value }
            return fields
        }
        let keys = Set(flattened.flatMap(\.keys)).sorted()
        var differences: [ParameterDifference] = []
        var common: [String: CatalogJSON] = [:]
        for key in keys {
            let values = flattened.map { $0[key] }
            if let first = values[0], values.allSatisfy({ $0 == first }) {
                common[key] = first
            } else {
                differences.append(ParameterDifference(key: key, values: values))
            }
        }
        return GenerationComparison(generationIds: ids, differences: differences, common: common)
    }

    // MARK: - Helpers shared by insert paths

    func checkReferences(_ db: Database, _ generation: Generation) throws {
        if let projectId = generation.projectId { try db.requireExists("projects", kind: "project", id: projectId) }
        if let sessionId = generation.sessionId { try db.requireExists("sessions", kind: "session", id: sessionId) }
        if let parentId = generation.parentGenerationId {
            try db.requireExists("generations", kind: "generation", id: parentId)
        }
    }

    func insertAssets(_ db: Database, _ assets: [Asset], of generation: Generation, tags: [String]) throws -> [Asset] {
        var stored: [Asset] = []
        for var asset in assets {
            asset.generationId = generation.id
            asset.projectId = generation.projectId
            asset.sessionId = generation.sessionId
            asset.model = generation.model
            try Validation.asset(asset)
            try insertAssetRow(db, asset)
            stored.append(asset)
        }
        try attachTags(db, names: tags, to: stored.map(\.id))
        try SearchIndex.reindex(db, assetIds: stored.map(\.id))
        return stored
    }

    func insertAssetRow(_ db: Database, _ asset: Asset) throws {
        try Validation.id(asset.id, .asset, name: "asset")
        if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM assets WHERE id = ?)", arguments: [asset.id]) == true {
            throw CatalogError(.conflict, "An asset with id '\(asset.id)' already exists; use a new id.")
        }
        if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM assets WHERE path = ?)", arguments: [asset.path]) == true {
            throw CatalogError(.conflict, "Another asset already uses the path '\(asset.path)'; write the file under a new name.")
        }
        try asset.insert(db)
    }
}
