import Testing
@testable import ArtFactoryCatalog

@Suite struct SearchTests {
    @Test func searchCoversPromptNegativeTagsProjectAndCollection() throws {
        let catalog = try TestCatalog()
        let project = try catalog.db.createProject("Harbor Study")
        let (_, fox) = try catalog.addGeneration(prompt: "red fox in snow", negative: "watermark", projectId: project.id, tags: ["winter"])
        let (_, owl) = try catalog.addGeneration(prompt: "owl at night")
        let collection = try catalog.db.createCollection("Favorites Board")
        try catalog.db.addToCollection(collection.id, assetIds: owl.map(\.id))
        #expect(try catalog.db.searchAssets("fox").hits.map(\.asset.id) == fox.map(\.id))
        #expect(try catalog.db.searchAssets("watermark").hits.map(\.asset.id) == fox.map(\.id))
        #expect(try catalog.db.searchAssets("WINTER").hits.map(\.asset.id) == fox.map(\.id))
        #expect(try catalog.db.searchAssets("harbor").hits.map(\.asset.id) == fox.map(\.id))
        #expect(try catalog.db.searchAssets("board").hits.map(\.asset.id) == owl.map(\.id))
        #expect(try catalog.db.searchAssets("fox owl").hits.isEmpty)
    }

    @Test func prefixSearchAndHostileSyntaxAreSafe() throws {
        let catalog = try TestCatalog()
        try catalog.addGeneration(prompt: "catalog of cats")
        try catalog.addGeneration(prompt: "a dog")
        #expect(try catalog.db.searchAssets("cat*").hits.count == 1)
        #expect(try catalog.db.searchAssets("cat").hits.isEmpty)
        for hostile in ["\"unbalanced", "fox AND OR", "NEAR(a b", "col:umn", "(((", "^start", "a-b", "*"] {
            let result = Result { try catalog.db.searchAssets(hostile) }
            if case .failure(let error) = result {
                #expect((error as? CatalogError)?.code == .invalidArgument, "\(hostile)")
            }
        }
    }

    @Test func rankingPrefersPromptMatchesAndPagesWithCursor() throws {
        let catalog = try TestCatalog()
        let (_, weak) = try catalog.addGeneration(prompt: "a castle", negative: "dragon")
        let (_, strong) = try catalog.addGeneration(prompt: "dragon dragon over the sea")
        for index in 0..<5 { try catalog.addGeneration(prompt: "dragon number \(index) sleeping in a very long prompt with many words") }
        let first = try catalog.db.searchAssets("dragon", limit: 3)
        #expect(first.hits.first?.asset.id == strong[0].id)
        var all = first.hits
        var cursor = first.nextCursor
        while let next = cursor {
            let page = try catalog.db.searchAssets("dragon", cursor: next, limit: 3)
            all += page.hits
            cursor = page.nextCursor
        }
        #expect(all.count == 7)
        #expect(Set(all.map(\.asset.id)).count == 7)
        #expect(all.last?.asset.id == weak[0].id)
        #expect(catalogError { _ = try catalog.db.searchAssets("castle", cursor: first.nextCursor) }?.code == .invalidArgument)
    }

    @Test func candidateCapRanksOnlyTheNewestMatches() throws {
        let catalog = try TestCatalog()
        let (_, old) = try catalog.addGeneration(prompt: "comet comet comet")
        var newer: [String] = []
        for _ in 0..<4 { newer += try catalog.addGeneration(prompt: "comet over a very long and winding mountain road").1.map(\.id) }
        #expect(try catalog.db.searchAssets("comet").hits.first?.asset.id == old[0].id)
        let capped = try catalog.db.searchAssets("comet", candidateLimit: 3).hits.map(\.asset.id)
        #expect(capped.count == 3)
        #expect(Set(capped).isSubset(of: Set(newer.suffix(3))))
        #expect(catalogError { _ = try catalog.db.searchAssets("comet", candidateLimit: 0) }?.code == .invalidArgument)
    }

    @Test func searchTakesTheListFilters() throws {
        let catalog = try TestCatalog()
        let project = try catalog.db.createProject("P")
        let (_, inside) = try catalog.addGeneration(prompt: "tower", projectId: project.id)
        try catalog.addGeneration(prompt: "tower")
        #expect(try catalog.db.searchAssets("tower", filter: AssetFilter(projectId: project.id)).hits.map(\.asset.id) == inside.map(\.id))
        #expect(catalogError { _ = try catalog.db.searchAssets("tower", filter: AssetFilter(projectId: "prj_x")) }?.code == .notFound)
    }
}
