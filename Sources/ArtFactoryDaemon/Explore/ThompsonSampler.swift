import ArtFactoryCatalog
import Foundation

/// Chooses what an exploration tries next: per dimension, the value whose Beta posterior sample is
/// highest (Thompson sampling), with the explore knob reshaping the posteriors.
///
/// explore `e`: 0 takes the best posterior mean (pure exploitation); 1 takes a value uniformly at
/// random; in between the posterior Beta(α, β) is sampled as Beta(sα, sβ) with
/// s = ((1 − e) / e)², so e = 0.5 is plain Thompson sampling, smaller e sharpens the posteriors
/// (exploit more) and larger e flattens them (explore more).
enum ThompsonSampler {
    /// SplitMix64 with its state exposed, so a run's state can be stored and resumed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in (0, 1).
        mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }
        mutating func index(below n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    }

    /// One draw for `run` from `arms`; advances `state`.
    static func choose(_ run: ArtFactoryCatalog.ExploreRun, _ arms: [ExploreArm], explore: Double, state: inout UInt64) -> ExploreChoice {
        var rng = Random(state: state)
        defer { state = rng.state }
        var picks: [[String]] = []
        for d in run.dimensions {
            let candidates = arms.filter { $0.dimension == d.name }
            guard !candidates.isEmpty else { continue }
            picks.append([d.name, candidates[pick(candidates, explore: explore, rng: &rng)].value])
        }
        var prompt = run.prompt
        var seed: Int64?
        for pair in picks {
            if pair[0] == "seed" { seed = Int64(pair[1]) }
            prompt = prompt.replacingOccurrences(of: "{\(pair[0])}", with: pair[1])
        }
        return ExploreChoice(choice: picks, prompt: prompt, seed: seed ?? Int64(rng.next() >> 33))
    }

    /// The index of the arm to take.
    static func pick(_ arms: [ExploreArm], explore e: Double, rng: inout Random) -> Int {
        if e >= 1 { return rng.index(below: arms.count) }
        var best = -Double.infinity
        var bestIndex = 0
        var ties = 0
        for (i, arm) in arms.enumerated() {
            let score: Double
            if e <= 0 {
                score = arm.alpha / (arm.alpha + arm.beta)
            } else {
                let s = pow((1 - e) / e, 2)
                score = beta(arm.alpha * s, arm.beta * s, rng: &rng)
            }
            if score > best {
                best = score; bestIndex = i; ties = 1
            } else if score == best {
                // Reservoir choice among equal scores, so ties do not favour the first value.
                ties += 1
                if rng.index(below: ties) == 0 { bestIndex = i }
            }
        }
        return bestIndex
    }

    /// A Beta(a, b) sample from two gamma samples.
    static func beta(_ a: Double, _ b: Double, rng: inout Random) -> Double {
        let x = gamma(a, rng: &rng), y = gamma(b, rng: &rng)
        guard x + y > 0 else { return rng.uniform() }
        return x / (x + y)
    }

    /// A Gamma(k, 1) sample (Marsaglia and Tsang; k < 1 by the boost Gamma(k + 1)·U^(1/k)).
    static func gamma(_ k: Double, rng: inout Random) -> Double {
        if k < 1 { return gamma(k + 1, rng: &rng) * pow(rng.uniform(), 1 / k) }
        let d = k - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = normal(rng: &rng)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.uniform()
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A standard normal sample (Box-Muller).
    static func normal(rng: inout Random) -> Double {
        (-2 * log(rng.uniform())).squareRoot() * cos(2 * Double.pi * rng.uniform())
    }
}
