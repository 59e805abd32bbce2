import Testing
@testable import ArtFactoryCatalog

@Suite struct MaintenanceTests {
    @Test func deleteGenerationRemovesItsAssetsAndUnlinksChildren() throws {
        let catalog = try TestCatalog()
        let (parent, assets) = try catalog.addGeneration(prompt: "parent", images: 2)
        let (child, _) = try catalog.addGeneration(prompt: "child", parent: parent.id)
        let result = try catalog.db.deleteGeneration(parent.id)
        #expect(Set(result.assetIds) == Set(assets.map(\.id)))
        #expect(result.paths.count == 4 && result.generationIds == [parent.id])
        #expect(try catalog.db.generation(child.id).parentGenerationId == nil)
        #expect(try catalog.db.assetCount() == 1)
        #expect(catalogError { _ = try catalog.db.deleteGeneration(parent.id) }?.code == .notFound)
        #expect(try catalog.db.integrityProblems().isEmpty)
    }

    @Test func integrityCheckSeesAStaleSearchIndexAndRebuildRepairsIt() throws {
        let catalog = try TestCatalog()
        try catalog.addGeneration(prompt: "glacier")
        try catalog.db.write { db in try db.execute(sql: "DELETE FROM asset_search") }
        #expect(try catalog.db.integrityProblems().count == 1)
        #expect(try catalog.db.searchAssets("glacier").hits.isEmpty)
        try catalog.db.rebuildSearchIndex()
        #expect(try catalog.db.integrityProblems().isEmpty)
        #expect(try catalog.db.searchAssets("glacier").hits.count == 1)
        try catalog.db.optimize()
        #expect(try catalog.db.searchAssets("glacier").hits.count == 1)
        #expect(try catalog.db.integrityProblems().isEmpty)
    }
}
