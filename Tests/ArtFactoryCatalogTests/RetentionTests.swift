import Testing
@testable import ArtFactoryCatalog

@Suite struct RetentionTests {
    @Test func oldUnprotectedHistoryGoesAndProtectedStays() throws {
        let catalog = try TestCatalog()
        let old = catalog.clock.now - 100 * CatalogClock.day
        let (plain, plainAssets) = try catalog.addGeneration(prompt: "plain", createdAt: old, images: 2)
        let (favorite, favoriteAssets) = try catalog.addGeneration(prompt: "favorite", createdAt: old, images: 2)
        let (pinned, pinnedAssets) = try catalog.addGeneration(prompt: "pinned", createdAt: old)
        let (collected, collectedAssets) = try catalog.addGeneration(prompt: "collected", createdAt: old)
        let (recent, _) = try catalog.addGeneration(prompt: "recent", createdAt: catalog.clock.now - 10 * CatalogClock.day)
        let (child, _) = try catalog.addGeneration(prompt: "child", parent: plain.id)
        let standalone = Asset(path: "gallery/imported.png", sha256: catalog.sha(), width: 1, height: 1, bytes: 1, createdAt: old)
        try catalog.db.insertAsset(standalone)
        try catalog.db.setFavorite([favoriteAssets[1].id], true)
        try catalog.db.setPinned(pinnedAssets.map(\.id), true)
        let collection = try catalog.db.createCollection("Keep")
        try catalog.db.addToCollection(collection.id, assetIds: collectedAssets.map(\.id))

        let plan = try catalog.db.retentionCandidates()
        #expect(plan.dryRun)
        #expect(plan.generationIds == [plain.id])
        #expect(Set(plan.assetIds) == Set(plainAssets.map(\.id)))
        #expect(plan.paths.count == 4)
        #expect(try catalog.db.assetCount() == 9)   // dry run changed nothing

        let applied = try catalog.db.applyRetention(dryRun: false)
        #expect(!applied.dryRun && applied.generationIds == [plain.id] && Set(applied.paths) == Set(plan.paths))
        #expect(catalogError { _ = try catalog.db.generation(plain.id) }?.code == .notFound)
        for kept in [favorite.id, pinned.id, collected.id, recent.id] { #expect(try catalog.db.generation(kept).id == kept) }
        #expect(try catalog.db.generationDetail(favorite.id).assets.count == 2)   // siblings of a favorite stay
        #expect(try catalog.db.generation(child.id).parentGenerationId == nil)
        #expect(try catalog.db.asset(standalone.id).id == standalone.id)
        #expect(try catalog.db.searchAssets("plain").hits.isEmpty)
        #expect(try catalog.db.retentionCandidates().generationIds.isEmpty)
    }

    @Test func ageIsConfigurableAndValidated() throws {
        let catalog = try TestCatalog()
        try catalog.addGeneration(createdAt: catalog.clock.now - 10 * CatalogClock.day)
        #expect(try catalog.db.retentionCandidates().generationIds.isEmpty)
        #expect(try catalog.db.retentionCandidates(olderThanDays: 7).generationIds.count == 1)
        #expect(catalogError { _ = try catalog.db.retentionCandidates(olderThanDays: -1) }?.code == .invalidArgument)
    }
}
