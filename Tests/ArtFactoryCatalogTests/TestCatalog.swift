import Foundation
@testable import ArtFactoryCatalog

/// A settable clock for tests (ms since the epoch).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ start: Int64 = 1_800_000_000_000) { value = start }
    var now: Int64 {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
    func advance(days: Int64) { now += days * CatalogClock.day }
}

/// A catalog in its own temporary directory, removed when the value is released.
final class TestCatalog {
    let directory: URL
    let clock: TestClock
    let db: CatalogDatabase
    private var counter = 0

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clock = TestClock()
        let clock = self.clock
        db = try CatalogDatabase(path: directory.appendingPathComponent("catalog.sqlite").path, clock: { clock.now })
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Opens a second handle on the same file (as a restarted daemon would).
    func reopen() throws -> CatalogDatabase {
        let clock = self.clock
        return try CatalogDatabase(path: db.path, clock: { clock.now })
    }

    /// A fresh, unique 64-hex sha256.
    func sha() -> String {
        counter += 1
        let text = String(counter, radix: 16)
        return String(repeating: "a", count: 64 - text.count) + text
    }

    /// Inserts a generation with `images` outputs and returns (generation, assets).
    @discardableResult
    func addGeneration(prompt: String = "a red fox in the snow", negative: String = "blurry", projectId: String? = nil,
                       sessionId: String? = nil, parent: String? = nil, model: String = "sd15",
                       params: CatalogJSON = .object(["steps": .int(30)]), createdAt: Int64? = nil,
                       images: Int = 1, bytes: Int64 = 1000, tags: [String] = [], mime: String = "image/png") throws -> (Generation, [Asset]) {
        let created = createdAt ?? clock.now
        let generation = Generation(id: CatalogID.make(.generation, millis: created), sessionId: sessionId,
                                    parentGenerationId: parent, projectId: projectId, prompt: prompt, negativePrompt: negative,
                                    params: params, model: model, seed: 7, createdAt: created)
        let assets = (0..<images).map { _ in
            let id = CatalogID.make(.asset, millis: created)
            return Asset(id: id, path: "gallery/p/\(id).png", thumbnailPath: "thumbnails/p/\(id).webp", sha256: sha(),
                         width: 64, height: 64, bytes: bytes, mime: mime, createdAt: created)
        }
        let stored = try db.insertGeneration(generation, assets: assets, tags: tags)
        return (generation, stored)
    }
}

/// Runs `body` and returns the `CatalogError` it threw, or nil.
func catalogError(_ body: () throws -> Void) -> CatalogError? {
    do { try body(); return nil } catch let error as CatalogError { return error } catch { return nil }
}
