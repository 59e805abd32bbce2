import Testing
@testable import ArtFactoryCatalog

@Suite struct CollectionTests {
    @Test func namesAreUniquePerProjectOrGlobally() throws {
        let catalog = try TestCatalog()
        let one = try catalog.db.createProject("One")
        let two = try catalog.db.createProject("Two")
        _ = try catalog.db.createCollection("Best", projectId: one.id)
        _ = try catalog.db.createCollection("best", projectId: two.id)
        _ = try catalog.db.createCollection("Best")
        #expect(catalogError { try catalog.db.createCollection("BEST", projectId: one.id) }?.code == .conflict)
        #expect(catalogError { try catalog.db.createCollection("best") }?.code == .conflict)
        #expect(try catalog.db.listCollections(projectId: one.id).count == 2)
        #expect(try catalog.db.listCollections(projectId: one.id, includeGlobal: false).count == 1)
        #expect(try catalog.db.listCollections().count == 3)
    }

    @Test func itemsKeepOrderAndImagesCanBeInManyCollections() throws {
        let catalog = try TestCatalog()
        let a = try catalog.db.createCollection("A")
        let b = try catalog.db.createCollection("B")
        let (_, assets) = try catalog.addGeneration(images: 3)
        let ids = assets.map(\.id)
        try catalog.db.addToCollection(a.id, assetIds: [ids[2], ids[0]])
        try catalog.db.addToCollection(a.id, assetIds: [ids[1], ids[0]])
        try catalog.db.addToCollection(b.id, assetIds: [ids[0]])
        #expect(try catalog.db.collectionItems(a.id) == [ids[2], ids[0], ids[1]])
        #expect(try catalog.db.assetDetail(ids[0]).collections.map(\.name) == ["A", "B"])
        try catalog.db.removeFromCollection(a.id, assetIds: [ids[0]])
        #expect(try catalog.db.collectionItems(a.id) == [ids[2], ids[1]])
        #expect(try catalog.db.listCollections().map(\.count) == [2, 1])
    }

    @Test func renameFollowsInSearch() throws {
        let catalog = try TestCatalog()
        let collection = try catalog.db.createCollection("Moodboard")
        let (_, assets) = try catalog.addGeneration(prompt: "castle")
        try catalog.db.addToCollection(collection.id, assetIds: assets.map(\.id))
        #expect(try catalog.db.searchAssets("moodboard").hits.count == 1)
        try catalog.db.renameCollection(collection.id, to: "Shortlist")
        #expect(try catalog.db.searchAssets("moodboard").hits.isEmpty)
        #expect(try catalog.db.searchAssets("shortlist").hits.count == 1)
        try catalog.db.deleteCollection(collection.id)
        #expect(try catalog.db.searchAssets("shortlist").hits.isEmpty)
        #expect(try catalog.db.asset(assets[0].id).id == assets[0].id)
    }

    @Test func unknownCollectionOrImageIsNotFoundAndNothingChanges() throws {
        let catalog = try TestCatalog()
        let collection = try catalog.db.createCollection("A")
        let (_, assets) = try catalog.addGeneration()
        #expect(catalogError { try catalog.db.addToCollection("col_missing", assetIds: assets.map(\.id)) }?.code == .notFound)
        #expect(catalogError { try catalog.db.addToCollection(collection.id, assetIds: [assets[0].id, "img_missing"]) }?.code == .notFound)
        #expect(try catalog.db.collectionItems(collection.id).isEmpty)
        #expect(catalogError { try catalog.db.renameCollection("col_missing", to: "x") }?.code == .notFound)
    }
}
