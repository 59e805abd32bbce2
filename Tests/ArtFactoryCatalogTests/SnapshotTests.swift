import Foundation
import Testing
@testable import ArtFactoryCatalog

@Suite struct SnapshotTests {
    @Test func exportThenImportIntoEmptyCatalogGivesSameRecords() throws {
        let source = try TestCatalog()
        let project = try source.db.createProject("Poster")
        let (root, _) = try source.addGeneration(prompt: "root", projectId: project.id)
        let (child, assets) = try source.addGeneration(prompt: "child fox", projectId: project.id, parent: root.id,
                                                       params: .object(["seed": .int(9_007_199_254_740_993)]), images: 2, tags: ["keeper"])
        let collection = try source.db.createCollection("Shortlist", projectId: project.id)
        try source.db.addToCollection(collection.id, assetIds: [assets[1].id])
        try source.db.setFavorite([assets[0].id], true)
        try source.db.setRating([assets[1].id], 5)

        let manifest = try source.db.snapshot(assetIds: assets.map(\.id)).manifestJSON()
        let snapshot = try CatalogSnapshot.decode(manifest: manifest)
        let target = try TestCatalog()
        let report = try target.db.importSnapshot(snapshot)
        #expect(Set(report.createdAssetIds) == Set(assets.map(\.id)))
        #expect(report.createdGenerationIds == [child.id])
        let imported = try target.db.generationDetail(child.id)
        #expect(imported.generation == (try source.db.generation(child.id)).with(parent: nil))
        #expect(imported.assets == (try source.db.generationDetail(child.id)).assets)
        #expect(imported.tags[assets[0].id]?.map(\.name) == ["keeper"])
        #expect(try target.db.listCollections().map(\.collection.name) == ["Shortlist"])
        #expect(try target.db.listProjects().map(\.name) == ["Poster"])
        #expect(try target.db.searchAssets("shortlist").hits.map(\.asset.id) == [assets[1].id])
        #expect(imported.generation.params == .object(["seed": .int(9_007_199_254_740_993)]))
    }

    @Test func duplicateShaIsLinkedNotDuplicated() throws {
        let source = try TestCatalog()
        let (_, assets) = try source.addGeneration(prompt: "fox", tags: ["new-tag"])
        try source.db.setFavorite(assets.map(\.id), true)
        let target = try TestCatalog()
        let existing = Asset(path: "gallery/mine.png", sha256: assets[0].sha256, width: 1, height: 1, bytes: 1, createdAt: 1)
        try target.db.insertAsset(existing)
        let report = try target.db.importSnapshot(try source.db.snapshot())
        #expect(report.createdAssetIds.isEmpty)
        #expect(report.linkedAssetIds == [assets[0].id: existing.id])
        #expect(try target.db.assetCount() == 1)
        let linked = try target.db.assetDetail(existing.id)
        #expect(linked.asset.isFavorite && linked.tags.map(\.name) == ["new-tag"])
        // Importing the same snapshot twice changes nothing more.
        let again = try target.db.importSnapshot(try source.db.snapshot())
        #expect(again.createdAssetIds.isEmpty)
        #expect(try target.db.assetCount() == 1)
    }

    @Test func garbageManifestIsInvalidArgument() {
        #expect(catalogError { _ = try CatalogSnapshot.decode(manifest: Data("{\"nope\":1}".utf8)) }?.code == .invalidArgument)
    }
}

extension Generation {
    func with(parent: String?) -> Generation {
        var copy = self
        copy.parentGenerationId = parent
        return copy
    }
}
