import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport
@testable import ArtFactoryDaemon

/// `gallery.similar` through the socket: ranking of synthetic pictures, limits, filters, errors,
/// the backfill of images without a descriptor, and unreadable files skipped.
@Suite(.serialized) struct GallerySimilarTests {
    /// Writes the pictures as PNGs in `dir` and returns their paths by name.
    static func writePictures(in dir: String) throws -> [String: String] {
        let pictures: [(String, PixelBuffer)] = [
            ("red-left", try SimilarFixtures.disc(side: 96, cx: 0.3, cy: 0.5, r: 0.2)),
            ("red-shifted", try SimilarFixtures.disc(side: 96, cx: 0.34, cy: 0.5, r: 0.2)),
            ("blue-square", try SimilarFixtures.square(side: 96, half: 0.18)),
            ("green-noise", try SimilarFixtures.greenNoise(side: 96)),
            ("red-big", try SimilarFixtures.disc(side: 96, cx: 0.3, cy: 0.5, r: 0.24)),
        ]
        var paths: [String: String] = [:]
        for (name, pixels) in pictures {
            let path = dir + "/\(name).png"
            try PNGEncoder().encode(pixels).write(to: URL(fileURLWithPath: path))
            paths[name] = path
        }
        return paths
    }

    @Test func rankingLimitsFiltersErrorsBackfillAndUnreadableFiles() throws {
        let dir = try TestPaths.makeTempDir(prefix: "afsim")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try Self.writePictures(in: dir)
        try "not an image".write(toFile: dir + "/fake.png", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()

        let names = ["red-left", "red-shifted", "blue-square", "green-noise"]
        let imported = try c.importImages(.init(paths: names.map { files[$0]! }))
        var ids: [String: String] = [:]
        for (name, item) in zip(names, imported.items) { ids[name] = item.id }
        let project = try c.call(ProjectCreate.self, .init(name: "Discs"))
        let big = try c.importImages(.init(paths: [files["red-big"]!], projectId: project.id))
        ids["red-big"] = big.items.first?.id
        #expect(ids.count == 5 && ids.values.allSatisfy { $0.hasPrefix("img_") })
        let queryId = try #require(ids["red-left"])

        // Descriptors were stored at import: nothing to measure; the query image is left out.
        let first = try c.call(GallerySimilar.self, .init(id: queryId))
        #expect(first.descriptor == "visual-v1" && first.compared == 4 && first.backfilled == 0 && first.pending == 0 && first.unreadable == 0)
        let order = first.hits.map(\.image.id)
        #expect(!order.contains(queryId))
        let expectedFirstTwo = [ids["red-shifted"], ids["red-big"]]
        #expect(Set(order.prefix(2)) == Set(expectedFirstTwo.compactMap { $0 }), "\(first.hits.map { ($0.image.id, $0.similarity) })")
        #expect(order.last == ids["green-noise"], "the unrelated noise field ranks last")
        #expect(order.firstIndex(of: ids["blue-square"]!) == 2)
        let scores = first.hits.map(\.similarity)
        #expect(scores == scores.sorted(by: >) && scores.allSatisfy { (0...1).contains($0) })
        let top = try #require(first.hits.first)
        #expect(top.similarity > 0.85 && top.layout > 0.8 && top.color > 0.9)
        let worst = try #require(first.hits.last)
        #expect(worst.similarity < 0.3, "\(worst)")
        // The hits carry the listing summary, like gallery.search.
        #expect(top.image.width == 96 && top.image.path.hasSuffix(".png") && top.image.thumbnailPath != nil)

        // By file: the same pixels as red-left score 1 and come first.
        let byFile = try c.call(GallerySimilar.self, .init(path: files["red-left"]!, limit: 2))
        #expect(byFile.hits.count == 2 && byFile.hits.first?.image.id == queryId && byFile.hits.first?.similarity == 1)

        // Limits and filters.
        #expect(try c.call(GallerySimilar.self, .init(id: queryId, limit: 1)).hits.map(\.image.id) == [order[0]])
        let inProject = try c.call(GallerySimilar.self, .init(id: queryId, filter: GalleryFilter(projectId: project.id)))
        #expect(inProject.hits.map(\.image.id) == [ids["red-big"]!] && inProject.compared == 1)
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GallerySimilar.self, .init(id: queryId, limit: 0)) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GallerySimilar.self, .init(id: queryId, limit: 201)) }

        // Errors.
        expectError(RPCErrorCode.notFound) { _ = try c.call(GallerySimilar.self, .init(id: "img_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        expectError(RPCErrorCode.invalidParams, mentioning: "either id") { _ = try c.call(GallerySimilar.self, .init()) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GallerySimilar.self, .init(id: queryId, path: files["red-left"]!)) }
        expectError(RPCErrorCode.invalidParams, mentioning: "PNG, JPEG or WebP") { _ = try c.call(GallerySimilar.self, .init(path: dir + "/fake.png")) }
        expectError(RPCErrorCode.pathNotAllowed) { _ = try c.call(GallerySimilar.self, .init(path: "/etc/hostname")) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(GallerySimilar.self, .init(id: queryId, filter: GalleryFilter(projectId: "prj_01JZZZZZZZZZZZZZZZZZZZZZZZ"))) }

        // Backfill: as if imported before descriptors existed, every image is measured again on
        // the next query, and ranks exactly as before.
        let catalog = try CatalogDatabase(path: daemon.home + "/catalog.sqlite")
        let forgotten = try catalog.forgetVisualDescriptors(Array(ids.values))
        #expect(forgotten == 5)
        let missingBefore = try catalog.visualDescriptorCounts(version: VisualDescriptor.version).missing
        #expect(missingBefore == 5)
        let again = try c.call(GallerySimilar.self, .init(id: queryId))
        #expect(again.backfilled == 4 && again.pending == 0 && again.compared == 4, "\(again.backfilled) \(again.pending)")
        #expect(again.hits == first.hits)

        // A missing file is skipped, not an error; asking about it by id says what to do.
        let square = try #require(first.hits.first { $0.image.id == ids["blue-square"] })
        try FileManager.default.removeItem(atPath: square.image.path)
        try catalog.forgetVisualDescriptors([square.image.id])
        let skipping = try c.call(GallerySimilar.self, .init(id: queryId))
        #expect(!skipping.hits.map(\.image.id).contains(square.image.id))
        #expect(skipping.unreadable == 1 && skipping.compared == 3 && skipping.backfilled == 0)
        expectError(RPCErrorCode.invalidParams, mentioning: "fsck") { _ = try c.call(GallerySimilar.self, .init(id: square.image.id)) }

        // Deleting an image deletes its descriptor (ON DELETE CASCADE).
        let noise = try #require(ids["green-noise"])
        #expect(try catalog.visualDescriptor(of: noise, version: VisualDescriptor.version) != nil)
        _ = try c.call(GalleryDelete.self, .init(ids: [noise]))
        #expect(try catalog.visualDescriptor(of: noise, version: VisualDescriptor.version) == nil)
        #expect(try c.call(GallerySimilar.self, .init(id: queryId)).compared == 2)
        _ = daemon.stop()
    }
}

/// The backfill in-process, with small bounds: images stored without a descriptor (as before the
/// v7 migration) are measured a bounded number per call, newest first; generated images get
/// theirs when stored.
@Suite struct GallerySimilarityBackfillTests {
    @Test func generatedImagesGetADescriptorAndOlderOnesAreMeasuredInBoundedSteps() throws {
        let home = try TestPaths.makeTempDir(prefix: "afsimb")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let paths = DaemonPaths(home: home, configDir: home, runtimeDir: home)
        try paths.createDirectories()
        let catalog = try CatalogDatabase(path: paths.catalog)
        let gallery = GalleryService(catalog: catalog, paths: paths, events: nil)
        let version = VisualDescriptor.version

        let query = try SimilarFixtures.disc(side: 64, cx: 0.3, cy: 0.5, r: 0.2)
        let generated = try gallery.storeGenerated(pixels: query, generation: Generation(prompt: "a red disc", model: "sd15", createdAt: CatalogClock.now()))
        let storedData = try catalog.visualDescriptor(of: generated.asset.id, version: version)
        #expect(storedData == VisualDescriptor(pixels: query).data)

        // Seven images stored the old way (no descriptor), 1 s apart: oldest d0 ... newest d6.
        var old: [String] = []
        let start = CatalogClock.now()
        for i in 0..<7 {
            let pixels = try SimilarFixtures.disc(side: 64, cx: 0.3 + 0.05 * Double(i), cy: 0.5, r: 0.2)
            let stored = try gallery.store(data: try PNGEncoder().encode(pixels), thumbnail: Data(), format: .png, width: 64, height: 64,
                                           projectId: nil, createdAt: start + Int64(i) * 1000) { try catalog.insertAsset($0) }
            old.append(stored.asset.id)
        }
        #expect(try catalog.visualDescriptorCounts(version: version).missing == 7)

        var bounded = GallerySimilarity(catalog: catalog, gallery: gallery)
        bounded.backfillLimit = 3
        let first = try bounded.similar(.init(id: generated.asset.id))
        #expect(first.backfilled == 3 && first.pending == 4 && first.compared == 3)
        let measured = try old.map { try catalog.visualDescriptor(of: $0, version: version) != nil }
        #expect(measured == [false, false, false, false, true, true, true], "newest first")
        let second = try bounded.similar(.init(id: generated.asset.id))
        #expect(second.backfilled == 3 && second.pending == 1)
        let third = try bounded.similar(.init(id: generated.asset.id))
        #expect(third.backfilled == 1 && third.pending == 0 && third.compared == 7)
        // The closest disc is the one at the same place (d0), the farthest the one moved most.
        #expect(third.hits.first?.image.id == old[0] && third.hits.last?.image.id == old[6])

        // Out of time: nothing is started, nothing is lost.
        try catalog.forgetVisualDescriptors(old)
        var hurried = GallerySimilarity(catalog: catalog, gallery: gallery)
        hurried.backfillBudget = 0
        let none = try hurried.similar(.init(id: generated.asset.id))
        #expect(none.backfilled == 0 && none.pending == 7 && none.compared == 0 && none.hits.isEmpty)
        // The default bounds measure them all at once.
        let all = try GallerySimilarity(catalog: catalog, gallery: gallery).similar(.init(id: generated.asset.id, limit: 3))
        #expect(all.backfilled == 7 && all.pending == 0 && all.hits.count == 3)
    }
}

/// `artfactory gallery similar` prints a table like `gallery search`, or JSON.
@Suite(.serialized) struct GallerySimilarCLITests {
    @Test func similarPrintsRankedTableJSONAndRefusesBadArguments() throws {
        let dir = try TestPaths.makeTempDir(prefix: "afsimc")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try GallerySimilarTests.writePictures(in: dir)
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        let names = ["red-left", "red-shifted", "green-noise"]
        let imported = try c.importImages(.init(paths: names.map { files[$0]! }))
        let ids = imported.items.compactMap(\.id)
        #expect(ids.count == 3)

        let table = try runCLI(["gallery", "similar", ids[0], "--limit", "2"], home: daemon.home)
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("img_") }
        #expect(rows.count == 2 && rows.first?.hasPrefix(ids[1]) == true, "\(table.stdout)")
        #expect(table.stdout.contains("SCORE") && table.stderr.contains("compared 2 images (visual-v1)"))
        let json = try runCLI(["gallery", "similar", ids[0], "--json"], home: daemon.home)
        let parsed = try JSONParser().parse(json.stdout)
        #expect(parsed["hits"]?.arrayValue?.count == 2 && parsed["descriptor"] == "visual-v1")
        let byFile = try runCLI(["gallery", "similar", "--file", files["red-shifted"]!, "--format", "{id}"], home: daemon.home)
        #expect(byFile.status == 0 && byFile.stdout.components(separatedBy: "\n").first == ids[1], "\(byFile.stdout)")
        #expect(try runCLI(["gallery", "similar"], home: daemon.home).status == 2)
        #expect(try runCLI(["gallery", "similar", ids[0], "--limit", "500"], home: daemon.home).status == 2)
        let unknown = try runCLI(["gallery", "similar", "img_01JZZZZZZZZZZZZZZZZZZZZZZZ"], home: daemon.home)
        #expect(unknown.status == 1)
        _ = daemon.stop()
    }
}
