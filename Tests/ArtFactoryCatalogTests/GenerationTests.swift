import Testing
@testable import ArtFactoryCatalog

@Suite struct GenerationTests {
    @Test func insertStoresGenerationAssetsAndTagsTogether() throws {
        let catalog = try TestCatalog()
        let project = try catalog.db.createProject("P")
        let (generation, assets) = try catalog.addGeneration(projectId: project.id, model: "sdxl", images: 2, tags: ["a", "b"])
        let detail = try catalog.db.generationDetail(generation.id)
        #expect(detail.generation == generation)
        #expect(detail.assets.map(\.id) == assets.map(\.id))
        #expect(detail.assets.allSatisfy { $0.projectId == project.id && $0.model == "sdxl" && $0.generationId == generation.id })
        #expect(detail.tags[assets[0].id]?.map(\.name) == ["a", "b"])
    }

    @Test func unknownReferencesAndBadFieldsChangeNothing() throws {
        let catalog = try TestCatalog()
        let base = Generation(prompt: "x", createdAt: 1)
        var bad = base
        bad.projectId = "prj_missing"
        #expect(catalogError { try catalog.db.insertGeneration(bad) }?.code == .notFound)
        bad = base
        bad.parentGenerationId = "gen_missing"
        #expect(catalogError { try catalog.db.insertGeneration(bad) }?.code == .notFound)
        let outside = Asset(path: "../etc/passwd", sha256: catalog.sha(), width: 1, height: 1, bytes: 1, createdAt: 1)
        #expect(catalogError { try catalog.db.insertGeneration(base, assets: [outside]) }?.code == .invalidArgument)
        let badHash = Asset(path: "gallery/x.png", sha256: "XYZ", width: 1, height: 1, bytes: 1, createdAt: 1)
        #expect(catalogError { try catalog.db.insertGeneration(base, assets: [badHash]) }?.code == .invalidArgument)
        #expect(catalogError { _ = try catalog.db.generation(base.id) }?.code == .notFound)
        #expect(try catalog.db.assetCount() == 0)
    }

    @Test func duplicatePathIsConflict() throws {
        let catalog = try TestCatalog()
        let (_, assets) = try catalog.addGeneration()
        let copy = Asset(path: assets[0].path, sha256: catalog.sha(), width: 1, height: 1, bytes: 1, createdAt: 1)
        #expect(catalogError { try catalog.db.insertGeneration(Generation(prompt: "y", createdAt: 2), assets: [copy]) }?.code == .conflict)
    }

    @Test func lineageListsAncestorsNearestFirstAndChildren() throws {
        let catalog = try TestCatalog()
        let (root, _) = try catalog.addGeneration(prompt: "root")
        let (middle, _) = try catalog.addGeneration(prompt: "middle", parent: root.id)
        let (leaf, _) = try catalog.addGeneration(prompt: "leaf", parent: middle.id)
        let (sibling, _) = try catalog.addGeneration(prompt: "sibling", parent: middle.id)
        let detail = try catalog.db.generationDetail(leaf.id)
        #expect(detail.ancestors.map(\.id) == [middle.id, root.id])
        #expect(try catalog.db.generationDetail(middle.id).children.map(\.id) == [leaf.id, sibling.id])
        #expect(try catalog.db.generationDetail(root.id).ancestors.isEmpty)
    }

    @Test func lineageCannotBecomeACycle() throws {
        let catalog = try TestCatalog()
        let (root, _) = try catalog.addGeneration(prompt: "root")
        let (child, _) = try catalog.addGeneration(prompt: "child", parent: root.id)
        var looped = root
        looped.parentGenerationId = child.id
        #expect(catalogError { try catalog.db.updateGeneration(looped) }?.code == .invalidArgument)
        looped.parentGenerationId = root.id
        #expect(catalogError { try catalog.db.updateGeneration(looped) }?.code == .invalidArgument)
        #expect(try catalog.db.generation(root.id).parentGenerationId == nil)
    }

    @Test func standaloneImageWithUnknownSessionOrAGenerationIsRejected() throws {
        let catalog = try TestCatalog()
        let image = Asset(sessionId: "ses_missing", path: "gallery/x.png", sha256: catalog.sha(), width: 1, height: 1, bytes: 1, createdAt: 1)
        #expect(catalogError { try catalog.db.insertAsset(image) }?.code == .notFound)
        let owned = Asset(generationId: "gen_x", path: "gallery/y.png", sha256: catalog.sha(), width: 1, height: 1, bytes: 1, createdAt: 1)
        #expect(catalogError { try catalog.db.insertAsset(owned) }?.code == .invalidArgument)
        #expect(try catalog.db.assetCount() == 0)
    }

    @Test func neighboursFollowCreatedOrder() throws {
        let catalog = try TestCatalog()
        let (_, first) = try catalog.addGeneration(createdAt: 100)
        let (middle, second) = try catalog.addGeneration(createdAt: 200)
        let (_, third) = try catalog.addGeneration(createdAt: 300)
        let detail = try catalog.db.generationDetail(middle.id)
        #expect(detail.previousAssetId == first[0].id)
        #expect(detail.nextAssetId == third[0].id)
        let (previous, next) = try catalog.db.neighbours(of: second[0].id)
        #expect(previous?.id == third[0].id)   // newest-first listing: the newer image comes before
        #expect(next?.id == first[0].id)
    }

    @Test func compareReportsDifferencesAndCommonValues() throws {
        let catalog = try TestCatalog()
        let (a, _) = try catalog.addGeneration(prompt: "fox", params: .object(["steps": .int(20), "cfg": .double(7),
                                                                              "hires": .object(["scale": .double(2)])]))
        let (b, _) = try catalog.addGeneration(prompt: "fox", params: .object(["steps": .int(30), "cfg": .double(7)]))
        let comparison = try catalog.db.compare([a.id, b.id])
        #expect(comparison.differences.map(\.key) == ["params.hires.scale", "params.steps"])
        #expect(comparison.differences[1].values == [.int(20), .int(30)])
        #expect(comparison.differences[0].values == [.double(2), nil])
        #expect(comparison.common["prompt"] == .string("fox"))
        #expect(comparison.common["params.cfg"] == .double(7))
        #expect(catalogError { _ = try catalog.db.compare([a.id]) }?.code == .invalidArgument)
        #expect(catalogError { _ = try catalog.db.compare([a.id, "gen_missing"]) }?.code == .notFound)
    }

    @Test func updateMovesAssetsAndReindexesPrompt() throws {
        let catalog = try TestCatalog()
        let project = try catalog.db.createProject("Moved")
        var (generation, assets) = try catalog.addGeneration(prompt: "queued placeholder")
        generation.prompt = "tiger in bamboo"
        generation.projectId = project.id
        generation.status = .succeeded
        try catalog.db.updateGeneration(generation)
        #expect(try catalog.db.asset(assets[0].id).projectId == project.id)
        #expect(try catalog.db.searchAssets("tiger").hits.count == 1)
        #expect(try catalog.db.searchAssets("placeholder").hits.isEmpty)
        #expect(try catalog.db.searchAssets("moved").hits.count == 1)
    }

    @Test func deleteReturnsFilePathsAfterRowsAreGone() throws {
        let catalog = try TestCatalog()
        let (generation, assets) = try catalog.addGeneration(images: 2, tags: ["t"])
        let one = try catalog.db.deleteAssets([assets[0].id])
        #expect(one.paths == [assets[0].path, try #require(assets[0].thumbnailPath)])
        #expect(one.generationIds.isEmpty)
        let two = try catalog.db.deleteAssets([assets[1].id])
        #expect(two.generationIds == [generation.id])
        #expect(catalogError { _ = try catalog.db.generation(generation.id) }?.code == .notFound)
        #expect(try catalog.db.searchAssets("fox").hits.isEmpty)
        #expect(try catalog.db.listTags().first?.count == 0)
        #expect(catalogError { _ = try catalog.db.deleteAssets(["img_missing"]) }?.code == .notFound)
    }

    @Test func favoritesRatingsApprovalsAndPins() throws {
        let catalog = try TestCatalog()
        let (_, assets) = try catalog.addGeneration(images: 2)
        let ids = assets.map(\.id)
        try catalog.db.setFavorite([ids[0]], true)
        try catalog.db.setRating(ids, 4)
        try catalog.db.setApproval([ids[1]], false)
        try catalog.db.setPinned([ids[1]], true)
        let first = try catalog.db.asset(ids[0])
        let second = try catalog.db.asset(ids[1])
        #expect(first.isFavorite && first.favoritedAt == catalog.clock.now && first.rating == 4 && first.approved == nil)
        #expect(!second.isFavorite && second.approved == false && second.pinned)
        #expect(catalogError { try catalog.db.setRating(ids, 6) }?.code == .invalidArgument)
        #expect(catalogError { try catalog.db.setFavorite(["img_missing"], true) }?.code == .notFound)
        try catalog.db.setFavorite([ids[0]], false)
        #expect(try catalog.db.asset(ids[0]).favoritedAt == nil)
    }

    @Test func shaLookupAndFileStreamSeeEveryAsset() throws {
        let catalog = try TestCatalog()
        let (_, assets) = try catalog.addGeneration(images: 3)
        #expect(try catalog.db.assets(withSHA256: assets[1].sha256).map(\.id) == [assets[1].id])
        var seen: [String] = []
        try catalog.db.forEachAssetFile { seen.append($0.path) }
        #expect(seen == assets.map(\.path).sorted())
        try catalog.db.updateAssetFile(assets[0].id, sha256: String(repeating: "b", count: 64), bytes: 5, thumbnailPath: .some(nil))
        let updated = try catalog.db.asset(assets[0].id)
        #expect(updated.bytes == 5 && updated.thumbnailPath == nil && updated.sha256.hasPrefix("bbbb"))
    }
}
