import GRDB

extension CatalogDatabase {
    /// Adds files to an existing generation and, in the same transaction, lets `record` change the
    /// generation's `params` and `remoteId` (read inside the transaction, so concurrent callers for
    /// one generation never lose each other's changes). Used for images made on self-hosted
    /// servers, whose record of which images are done must commit with the image itself: a crash
    /// can then neither lose a stored image's record nor leave an image stored but unrecorded (which
    /// would make it again, a duplicate). Same crash-safety contract as ``addAssets(_:toGeneration:tags:)``.
    /// - Throws: `not_found` for an unknown generation; whatever `record` throws rolls it all back.
    @discardableResult
    public func addAssets(_ assets: [Asset], toGeneration generationId: String, tags: [String] = [],
                          recording record: (_ params: inout CatalogJSON, _ remoteId: inout String?) throws -> Void) throws -> [Asset] {
        try write { db in
            guard var generation = try Generation.fetchOne(db, key: generationId) else {
                throw CatalogError.notFound("generation", generationId)
            }
            let saved = try insertAssets(db, assets, of: generation, tags: tags)
            try record(&generation.params, &generation.remoteId)
            try generation.update(db, columns: ["params", "remote_id"])
            return saved
        }
    }
}
