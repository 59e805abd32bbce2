import CEngineKernels
import Foundation
import Testing
@testable import ArtFactoryEngine

/// The AVX2 point-wise kernels (polynomial exp and erf) against libm, on every length from 1 to 40
/// (so each vector tail is exercised) and at the edges of exp's range.
@Suite struct VectorKernelTests {
    static func values(_ count: Int, spread: Float, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * spread
        }
    }

    static func maxError(_ a: [Float], _ b: [Float], relative: Bool) -> Float {
        zip(a, b).map { x, y in relative ? abs(x - y) / max(abs(y), 1e-30) : abs(x - y) }.max() ?? 0
    }

    @Test func reportsWhichPathRuns() {
        let hasAVX2 = BLASRuntime.cpuFlags().isSuperset(of: ["avx2", "fma"])
        #expect((afk_vectorized() == 1) == hasAVX2)
    }

    @Test func softmaxMatchesLibm() {
        for width in 1...40 {
            let input = Self.values(3 * width, spread: 30, seed: UInt64(width))
            var fast = input
            afk_softmax_rows(&fast, 3, width)
            var reference = [Float](repeating: 0, count: input.count)
            for r in 0..<3 {
                let row = input[(r * width)..<((r + 1) * width)]
                let m = Double(row.max()!)
                let exps = row.map { exp(Double($0) - m) }
                let sum = exps.reduce(0, +)
                for (j, e) in exps.enumerated() { reference[r * width + j] = Float(e / sum) }
            }
            #expect(Self.maxError(fast, reference, relative: false) < 2e-7, "width \(width)")
            for r in 0..<3 {
                let total = fast[(r * width)..<((r + 1) * width)].reduce(0, +)
                #expect(abs(total - 1) < 1e-5)
            }
        }
    }

    @Test func softmaxHandlesMaskedAndExtremeScores() {
        var row: [Float] = [-.infinity, 0, -.infinity, 100, -200, 88, -.infinity, 3, -1e30]
        afk_softmax_rows(&row, 1, row.count)
        let expected = [0, exp(-100.0), 0, 1 / (1 + exp(-12.0) + exp(-97.0)), 0, exp(-12.0), 0, exp(-97.0), 0]
        for (got, want) in zip(row, expected) { #expect(abs(Double(got) - want) < 1e-7) }
        #expect(row.allSatisfy { $0.isFinite && $0 >= 0 })
    }

    @Test func siluQuickGELUAndScaleShiftMatchLibm() {
        for n in 1...40 {
            let x = Self.values(n, spread: 12, seed: 7 + UInt64(n))
            var silu = x, quick = x, shifted = [Float](repeating: 0, count: n), plain = shifted
            afk_silu(&silu, n)
            afk_quick_gelu(&quick, n)
            afk_scale_shift(x, &shifted, n, 1.5, -0.25, 1)
            afk_scale_shift(x, &plain, n, 1.5, -0.25, 0)
            #expect(Self.maxError(silu, x.map { $0 / (1 + expf(-$0)) }, relative: false) < 1e-6)
            #expect(Self.maxError(quick, x.map { $0 / (1 + expf(-1.702 * $0)) }, relative: false) < 1e-6)
            #expect(Self.maxError(shifted, x.map { let v = $0 * 1.5 - 0.25; return v / (1 + expf(-v)) }, relative: false) < 1e-6)
            #expect(Self.maxError(plain, x.map { $0 * 1.5 - 0.25 }, relative: false) < 1e-6)
        }
        var extremes: [Float] = [-1000, -100, -88, 0, 88, 100, 1000]
        afk_silu(&extremes, extremes.count)
        #expect(extremes.allSatisfy { $0.isFinite })
        #expect(abs(extremes[6] - 1000) < 1e-3 && abs(extremes[0]) < 1e-30)
    }

    @Test func geluAndGEGLUMatchErf() {
        for n in 1...40 {
            let x = Self.values(n, spread: 8, seed: 99 + UInt64(n)), a = Self.values(n, spread: 2, seed: 5)
            var gelu = x, geglu = [Float](repeating: 0, count: n)
            afk_gelu(&gelu, n)
            afk_geglu(a, x, &geglu, n)
            let exact = x.map { Float(0.5 * Double($0) * (1 + erf(Double($0) / 2.0.squareRoot()))) }
            #expect(Self.maxError(gelu, exact, relative: false) < 2e-6)
            #expect(Self.maxError(geglu, zip(a, exact).map(*), relative: false) < 4e-6)
        }
    }

    @Test func sumOfSquaresMatchesDouble() {
        for n in [1, 7, 8, 9, 255, 256, 257, 1000, 4099] {
            let x = Self.values(n, spread: 3, seed: UInt64(n))
            var sum = 0.0, sumSq = 0.0
            afk_sum_squares(x, n, &sum, &sumSq)
            let s = x.reduce(0.0) { $0 + Double($1) }, s2 = x.reduce(0.0) { $0 + Double($1) * Double($1) }
            #expect(abs(sum - s) < 1e-4 * max(1, abs(s)) && abs(sumSq - s2) < 1e-5 * s2, "n \(n)")
        }
    }
}
