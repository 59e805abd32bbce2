import Testing
@testable import ArtFactoryCatalog

@Suite struct TagTests {
    @Test func tagsAreCaseInsensitiveAndCounted() throws {
        let catalog = try TestCatalog()
        let (_, first) = try catalog.addGeneration(tags: ["Keeper"])
        let (_, second) = try catalog.addGeneration()
        try catalog.db.addTags(["keeper", "Print"], to: second.map(\.id))
        let counts = try catalog.db.listTags()
        #expect(counts.map(\.tag.name) == ["Keeper", "Print"])
        #expect(counts.map(\.count) == [2, 1])
        try catalog.db.removeTags(["KEEPER"], from: first.map(\.id))
        #expect(try catalog.db.listTags().first?.count == 1)
    }

    @Test func renameFollowsInSearchAndDuplicateRenameIsConflict() throws {
        let catalog = try TestCatalog()
        let (_, assets) = try catalog.addGeneration(prompt: "lighthouse at dusk", tags: ["seascape"])
        let tag = try #require(try catalog.db.tag(named: "SEASCAPE"))
        #expect(try catalog.db.searchAssets("seascape").hits.map(\.asset.id) == assets.map(\.id))
        try catalog.db.renameTag(tag.id, to: "maritime")
        #expect(try catalog.db.searchAssets("seascape").hits.isEmpty)
        #expect(try catalog.db.searchAssets("maritime").hits.map(\.asset.id) == assets.map(\.id))
        _ = try catalog.db.createTag("other")
        #expect(catalogError { try catalog.db.renameTag(tag.id, to: "Other") }?.code == .conflict)
        #expect(catalogError { try catalog.db.renameTag("tag_missing", to: "x") }?.code == .notFound)
    }

    @Test func taggingUnknownImageChangesNothing() throws {
        let catalog = try TestCatalog()
        let (_, assets) = try catalog.addGeneration()
        let error = catalogError { try catalog.db.addTags(["new"], to: [assets[0].id, "img_unknown"]) }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("img_unknown") == true)
        #expect(try catalog.db.listTags().isEmpty)
    }

    @Test func deletingTagRemovesItFromImagesAndSearch() throws {
        let catalog = try TestCatalog()
        try catalog.addGeneration(prompt: "owl", tags: ["nocturnal"])
        let tag = try #require(try catalog.db.tag(named: "nocturnal"))
        try catalog.db.deleteTag(tag.id)
        #expect(try catalog.db.searchAssets("nocturnal").hits.isEmpty)
        #expect(try catalog.db.listTags().isEmpty)
    }
}
