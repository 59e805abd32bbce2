import Testing
@testable import ArtFactoryPrompts

@Suite struct SplitMix64Tests {
    @Test func matchesTheReferenceSequenceForSeedZero() {
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func indexStaysInBoundsAndCoversAllValues() {
        var rng = SplitMix64(seed: 99)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let value = rng.index(below: 7)
            #expect((0..<7).contains(value))
            seen.insert(value)
        }
        #expect(seen.count == 7)
        #expect(rng.index(below: 1) == 0)
    }

    @Test func derivedGeneratorsDifferByIndexAndRepeatBySeed() {
        var a = SplitMix64.derived(seed: 5, index: 0)
        var b = SplitMix64.derived(seed: 5, index: 1)
        var c = SplitMix64.derived(seed: 5, index: 0)
        let first = a.next()
        #expect(first != b.next())
        #expect(first == c.next())
    }
}
