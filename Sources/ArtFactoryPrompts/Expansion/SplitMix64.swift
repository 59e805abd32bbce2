/// A small, fast, seedable pseudo-random generator (SplitMix64).
///
/// Used for every seeded path so that the same seed gives the same prompts on every platform and
/// Swift version (the standard library's generators make no such promise).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose whole output is determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed integer in `0..<bound` (`bound` must be positive), without modulo bias.
    mutating func index(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit
        while true {
            let value = next()
            if value >= threshold { return Int(value % limit) }
        }
    }

    /// A uniformly distributed double in `0..<1` with 53 bits of precision.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Derives an independent generator for item `index` of a seeded run, so that item `i` depends
    /// only on `(seed, i)` and not on how many items came before it.
    static func derived(seed: UInt64, index: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }

    /// Index chosen in proportion to `weights`; uniform when every weight is zero.
    mutating func weightedIndex(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        guard total > 0 else { return index(below: weights.count) }
        var target = unit() * total
        for (position, weight) in weights.enumerated() {
            if target < weight { return position }
            target -= weight
        }
        return weights.lastIndex(where: { $0 > 0 }) ?? 0
    }

    /// A uniformly sized (within `sizes`) weighted pick of distinct indices, in pick order.
    mutating func weightedSubset(_ weights: [Double], sizes: ClosedRange<Int>) -> [Int] {
        let count = sizes.lowerBound + index(below: sizes.count)
        var remaining = Array(weights.indices)
        var picked: [Int] = []
        for _ in 0..<min(count, remaining.count) {
            let chosen = weightedIndex(remaining.map { weights[$0] })
            picked.append(remaining.remove(at: chosen))
        }
        return picked
    }
}
