import Foundation
import Testing
@testable import ArtFactoryEngine

@Suite struct ModelCacheTests {
    /// A loader whose models weigh what their key says ("a:40" weighs 40 bytes), counting loads.
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var loaded: [String] = []
    }

    static func cache(budget: Int, recorder: Recorder) -> ModelCache<String> {
        let size = { @Sendable (key: String) -> Int in Int(key.split(separator: ":").last ?? "") ?? 0 }
        return ModelCache(budgetBytes: budget, loader: .init(estimate: size, load: { key in
            recorder.lock.withLock { recorder.loaded.append(key) }
            return ("model \(key)", size(key))
        }))
    }

    @Test func secondRequestIsServedWarm() throws {
        let recorder = Recorder()
        let cache = Self.cache(budget: 100, recorder: recorder)
        #expect(try cache.value(for: "a:40") == "model a:40")
        #expect(try cache.value(for: "a:40") == "model a:40")
        #expect(recorder.loaded == ["a:40"])
        #expect(cache.statistics == .init(hits: 1, loads: 1, evictions: 0))
    }

    @Test func leastRecentlyUsedIsEvictedBeforeLoadingPastTheBudget() throws {
        let recorder = Recorder()
        let cache = Self.cache(budget: 100, recorder: recorder)
        _ = try cache.value(for: "a:40")
        _ = try cache.value(for: "b:40")
        _ = try cache.value(for: "a:40")  // a is now most recent
        _ = try cache.value(for: "c:40")  // needs 120: evicts b
        #expect(cache.residentKeys == ["c:40", "a:40"])
        #expect(cache.residentBytes == 80)
        #expect(cache.residentBytes <= cache.budgetBytes)
        _ = try cache.value(for: "d:90")  // evicts both
        #expect(cache.residentKeys == ["d:90"])
        #expect(cache.statistics.evictions == 3)
    }

    @Test func modelLargerThanTheBudgetIsRefused() throws {
        let recorder = Recorder()
        let cache = Self.cache(budget: 100, recorder: recorder)
        _ = try cache.value(for: "a:40")
        let error = #expect(throws: EngineError.self) { try cache.value(for: "huge:101") }
        #expect(error?.code == "cache.overBudget")
        #expect(cache.residentKeys == ["a:40"])  // nothing evicted for a model that cannot fit
        #expect(recorder.loaded == ["a:40"])
    }

    @Test func explicitUnloadFreesTheEntry() throws {
        let recorder = Recorder()
        let cache = Self.cache(budget: 100, recorder: recorder)
        _ = try cache.value(for: "a:40")
        #expect(cache.unload("a:40"))
        #expect(!cache.unload("a:40"))
        #expect(cache.residentBytes == 0)
        _ = try cache.value(for: "a:40")
        #expect(recorder.loaded == ["a:40", "a:40"])
        cache.unloadAll()
        #expect(cache.residentKeys.isEmpty)
    }

    @Test func realCheckpointsAreSizedAndCached() throws {
        let sd1 = EngineFixtures.pipeline("sd1-tiny"), sd2 = EngineFixtures.pipeline("sd2-tiny")
        let estimate1 = try StableDiffusionModels.estimatedBytes(at: sd1)
        let estimate2 = try StableDiffusionModels.estimatedBytes(at: sd2)
        let cache = ModelCache<StableDiffusionModels>(budgetBytes: max(estimate1, estimate2) + 1000)
        let first = try cache.value(for: sd1)
        #expect(first.byteCount == estimate1)
        _ = try cache.value(for: sd2)
        #expect(cache.residentKeys == [sd2])
        #expect(cache.residentBytes <= cache.budgetBytes)
        let small = ModelCache<StableDiffusionModels>(budgetBytes: 1000)
        #expect((#expect(throws: EngineError.self) { try small.value(for: sd1) })?.code == "cache.overBudget")
    }
}
