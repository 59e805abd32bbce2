import Foundation
import Testing
@testable import ArtFactoryCatalog

@Suite struct ListingTests {
    /// 37 images over 10 distinct timestamps, 4 sizes and ratings 0-5: many ties on every key.
    private func seeded() throws -> (TestCatalog, [Asset]) {
        let catalog = try TestCatalog()
        var all: [Asset] = []
        for index in 0..<37 {
            let (_, assets) = try catalog.addGeneration(createdAt: Int64(1000 + index % 10), bytes: Int64(100 * (index % 4)))
            try catalog.db.setRating(assets.map(\.id), index % 6)
            all += try assets.map { try catalog.db.asset($0.id) }
        }
        return (catalog, all)
    }

    private func walk(_ catalog: TestCatalog, filter: AssetFilter = AssetFilter(), sort: AssetSort, limit: Int) throws -> [Asset] {
        var cursor: String?
        var rows: [Asset] = []
        var pages = 0
        repeat {
            let page = try catalog.db.listAssets(filter: filter, sort: sort, cursor: cursor, limit: limit)
            rows += page.items
            cursor = page.nextCursor
            pages += 1
            #expect(pages < 100)
        } while cursor != nil
        return rows
    }

    @Test(arguments: AssetSort.Field.allCases, [true, false])
    func walkingAllPagesReturnsEveryRowOnceInOrder(field: AssetSort.Field, descending: Bool) throws {
        let (catalog, all) = try seeded()
        let sort = AssetSort(field: field, descending: descending)
        let rows = try walk(catalog, sort: sort, limit: 4)
        let expected = all.sorted { lhs, rhs in
            let (l, r) = (sort.key(of: lhs), sort.key(of: rhs))
            if l != r { return descending ? l > r : l < r }
            return descending ? lhs.id > rhs.id : lhs.id < rhs.id
        }
        #expect(rows.map(\.id) == expected.map(\.id))
        #expect(Set(rows.map(\.id)).count == all.count)
    }

    @Test func lastPageHasNoCursorAndExactPagesToo() throws {
        let (catalog, _) = try seeded()
        let page = try catalog.db.listAssets(limit: 37)
        #expect(page.items.count == 37 && page.nextCursor == nil)
        #expect(try walk(catalog, sort: .newest, limit: 37).count == 37)
    }

    @Test func badForgedOrMismatchedCursorsAreInvalidArgument() throws {
        let (catalog, _) = try seeded()
        let cursor = try #require(try catalog.db.listAssets(limit: 5).nextCursor)
        #expect(catalogError { _ = try catalog.db.listAssets(cursor: "not-a-cursor!", limit: 5) }?.code == .invalidArgument)
        #expect(catalogError { _ = try catalog.db.listAssets(cursor: String(cursor.dropLast(3)), limit: 5) }?.code == .invalidArgument)
        let forged = Data(#"{"v":1,"f":"x","k":1,"i":"img_bad"}"#.utf8).base64EncodedString()
        #expect(catalogError { _ = try catalog.db.listAssets(cursor: forged, limit: 5) }?.code == .invalidArgument)
        let otherSort = AssetSort(field: .bytes, descending: true)
        #expect(catalogError { _ = try catalog.db.listAssets(sort: otherSort, cursor: cursor, limit: 5) }?.code == .invalidArgument)
        #expect(catalogError { _ = try catalog.db.listAssets(filter: AssetFilter(favorite: true), cursor: cursor, limit: 5) }?.code == .invalidArgument)
        #expect(catalogError { _ = try catalog.db.listAssets(limit: 0) }?.code == .invalidArgument)
        #expect(catalogError { _ = try catalog.db.listAssets(limit: 5000) }?.code == .invalidArgument)
    }

    @Test func filtersCombineAndUnknownIdsAreNotFound() throws {
        let catalog = try TestCatalog()
        let project = try catalog.db.createProject("P")
        let session = try catalog.db.createSession("S", projectId: project.id)
        let collection = try catalog.db.createCollection("C")
        let (_, a) = try catalog.addGeneration(projectId: project.id, sessionId: session.id, model: "sdxl", createdAt: 100, bytes: 10, tags: ["red", "big"])
        let (_, b) = try catalog.addGeneration(projectId: project.id, model: "sd15", createdAt: 200, bytes: 2000, tags: ["red"], mime: "image/webp")
        let (_, c) = try catalog.addGeneration(createdAt: 300, bytes: 500)
        try catalog.db.setFavorite(b.map(\.id), true)
        try catalog.db.addToCollection(collection.id, assetIds: c.map(\.id) + a.map(\.id))
        try catalog.db.setPinned(c.map(\.id), true)
        try catalog.db.setRating(a.map(\.id), 5)
        func ids(_ filter: AssetFilter) throws -> [String] { try catalog.db.listAssets(filter: filter).items.map(\.id) }
        #expect(try ids(AssetFilter(projectId: project.id)) == [b[0].id, a[0].id])
        #expect(try ids(AssetFilter(tags: ["RED"])) == [b[0].id, a[0].id])
        #expect(try ids(AssetFilter(tags: ["red", "big"])) == [a[0].id])
        #expect(try ids(AssetFilter(tags: ["nope"])).isEmpty)
        #expect(try ids(AssetFilter(favorite: true)) == [b[0].id])
        #expect(try ids(AssetFilter(favorite: false)) == [c[0].id, a[0].id])
        #expect(try ids(AssetFilter(collectionId: collection.id)) == [c[0].id, a[0].id])
        #expect(try ids(AssetFilter(pinned: true)) == [c[0].id])
        #expect(try ids(AssetFilter(mimePrefix: "image/webp")) == [b[0].id])
        #expect(try ids(AssetFilter(mimePrefix: "image/")).count == 3)
        #expect(try ids(AssetFilter(mimePrefix: "video/")).isEmpty)
        #expect(try ids(AssetFilter(createdFrom: 150, createdTo: 300)) == [b[0].id])
        #expect(try ids(AssetFilter(minBytes: 100, maxBytes: 1000)) == [c[0].id])
        #expect(try ids(AssetFilter(model: "sdxl")) == [a[0].id])
        #expect(try ids(AssetFilter(sessionId: session.id)) == [a[0].id])
        #expect(try ids(AssetFilter(minRating: 5)) == [a[0].id])
        #expect(try ids(AssetFilter(roles: [.input])).isEmpty)
        #expect(catalogError { _ = try ids(AssetFilter(projectId: "prj_missing")) }?.code == .notFound)
        #expect(catalogError { _ = try ids(AssetFilter(collectionId: "col_missing")) }?.code == .notFound)
        #expect(catalogError { _ = try ids(AssetFilter(minBytes: 10, maxBytes: 1)) }?.code == .invalidArgument)
    }
}
