import Testing
@testable import ArtFactoryCatalog

@Suite struct BulkLoaderTests {
    @Test func bulkLoadedRowsAreListedSearchedAndFilteredLikeSingleInserts() throws {
        let catalog = try TestCatalog()
        let project = try catalog.db.createProject("Bulk Project")
        let collection = try catalog.db.createCollection("Picks")
        let total = AssetQuery.commonTag + 100   // enough to take the "common tag" plan
        let ids = try catalog.db.bulkLoad { loader -> [String] in
            var ids: [String] = []
            for index in 0..<total {
                let created = Int64(1_000 + index / 3)   // ties on created_at
                let generation = Generation(id: CatalogID.make(.generation, millis: created), projectId: project.id,
                                            prompt: index % 500 == 0 ? "rare zeppelin" : "common meadow", createdAt: created)
                let asset = Asset(id: CatalogID.make(.asset, millis: created), path: "gallery/b/\(index).png",
                                  sha256: catalog.sha(), width: 8, height: 8, bytes: Int64(index), createdAt: created)
                try loader.add(generation, assets: [asset], tags: index % 7 == 0 ? ["common", "seventh"] : ["common"],
                               collectionIds: index % 100 == 0 ? [collection.id] : [])
                ids.append(asset.id)
            }
            #expect(loader.generationCount == total && loader.assetCount == total)
            return ids
        }
        #expect(try catalog.db.assetCount() == total)
        #expect(try catalog.db.searchAssets("zeppelin").hits.count == (total + 499) / 500)
        #expect(try catalog.db.searchAssets("picks").hits.count == (total + 99) / 100)
        #expect(try catalog.db.searchAssets("bulk").hits.count == 50)
        #expect(try catalog.db.listCollections().first?.count == (total + 99) / 100)

        // Both tag plans (common: probe while walking the index; rare: collect and sort) give the same rows.
        for tag in ["common", "seventh"] {
            var cursor: String?
            var walked: [String] = []
            repeat {
                let page = try catalog.db.listAssets(filter: AssetFilter(tags: [tag]), cursor: cursor, limit: 97)
                walked += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            let expected = ids.enumerated().filter { tag == "common" || $0.offset % 7 == 0 }.map(\.element)
            let ordered = try expected.map { try catalog.db.asset($0) }
                .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.map(\.id)
            #expect(walked == ordered, "\(tag)")
        }
        #expect(try catalog.db.listTags().map(\.count) == [total, (total + 6) / 7])
    }

    @Test func failingBulkLoadRollsBackEverything() throws {
        let catalog = try TestCatalog()
        let error = catalogError {
            try catalog.db.bulkLoad { loader in
                let generation = Generation(prompt: "first", createdAt: 1)
                try loader.add(generation, assets: [Asset(path: "gallery/a.png", sha256: catalog.sha(), width: 1, height: 1, bytes: 1, createdAt: 1)])
                try loader.add(Generation(prompt: "second", createdAt: 2),
                               assets: [Asset(path: "gallery/a.png", sha256: catalog.sha(), width: 1, height: 1, bytes: 1, createdAt: 2)])
            }
        }
        #expect(error?.code == .conflict)
        #expect(try catalog.db.assetCount() == 0)
        #expect(try catalog.db.searchAssets("first").hits.isEmpty)
    }
}
