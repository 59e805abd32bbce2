import Foundation
import Testing
@testable import ArtFactoryCatalog

/// `addAssets(_:toGeneration:tags:recording:)`: a server image and its "done" record commit
/// together, and concurrent stores of one generation never lose each other's records.
@Suite struct ServerImageRecordTests {
    private func asset(_ catalog: TestCatalog) -> Asset {
        let id = CatalogID.make(.asset, millis: catalog.clock.now)
        return Asset(id: id, path: "gallery/p/\(id).png", thumbnailPath: "thumbnails/p/\(id).webp", sha256: catalog.sha(),
                     width: 64, height: 64, bytes: 100, mime: "image/png", createdAt: catalog.clock.now)
    }

    private func listed(_ generation: Generation) -> [Int64] {
        (generation.params["servers"]?.arrayValue ?? []).compactMap { $0["image"]?.intValue }
    }

    @Test func theRecordCommitsWithTheImageAndARefusedRecordAddsNoImage() throws {
        let catalog = try TestCatalog()
        let (generation, _) = try catalog.addGeneration(images: 0)
        try catalog.db.addAssets([asset(catalog)], toGeneration: generation.id) { params, remoteId in
            var o = params.objectValue ?? [:]
            o["servers"] = .array([.object(["image": .int(1)])])
            params = .object(o)
            remoteId = "prompt-1"
        }
        var stored = try catalog.db.generation(generation.id)
        #expect(listed(stored) == [1] && stored.remoteId == "prompt-1" && stored.params["steps"] == .int(30))
        #expect(try catalog.db.generationDetail(generation.id).assets.count == 1)

        struct Refused: Error {}
        #expect(throws: (any Error).self) {
            try catalog.db.addAssets([asset(catalog)], toGeneration: generation.id) { params, _ in
                params = .object(["servers": .array([])])
                throw Refused()
            }
        }
        stored = try catalog.db.generation(generation.id)
        #expect(listed(stored) == [1], "the record is as it was")
        #expect(try catalog.db.generationDetail(generation.id).assets.count == 1, "no image without its record")
    }

    @Test func concurrentStoresOfOneGenerationKeepEveryRecord() throws {
        let catalog = try TestCatalog()
        let (generation, _) = try catalog.addGeneration(images: 0)
        let assets = (0..<8).map { _ in asset(catalog) }
        let errors = ResultsCollector()
        let db = catalog.db
        let id = generation.id
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            do {
                try db.addAssets([assets[i]], toGeneration: id) { params, _ in
                    var o = params.objectValue ?? [:]
                    o["servers"] = .array((o["servers"]?.arrayValue ?? []) + [.object(["image": .int(Int64(i + 1))])])
                    params = .object(o)
                }
            } catch {
                errors.add("\(error)")
            }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        #expect(listed(try catalog.db.generation(generation.id)).sorted() == Array(1...8))
        #expect(try catalog.db.generationDetail(generation.id).assets.count == 8)
    }
}

private final class ResultsCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}
