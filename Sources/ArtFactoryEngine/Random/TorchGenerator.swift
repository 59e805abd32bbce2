import Foundation

/// A random generator that reproduces PyTorch's CPU generator bit for bit (within f32 rounding):
/// `TorchGenerator(seed: S).randn(shape)` equals
/// `torch.randn(shape, generator=torch.Generator("cpu").manual_seed(S))`, and successive calls continue
/// the same stream as successive torch calls on one generator.
///
/// Two sampling paths, as in ATen's CPU `normal_kernel`:
/// - 16 values or more: fill with f32 uniforms (24 random bits each), then Box-Muller in blocks of 16
///   (values `j` and `j + 8` of a block form one pair, computed in f32); when the count is not a multiple of 16 the last
///   16 values are drawn again and transformed again.
/// - fewer than 16: one value at a time from a double-precision Box-Muller (53-bit uniforms), the
///   second value of each pair cached for the next call, as `at::normal_distribution<double>` does.
///
/// Not thread-safe: one generator belongs to one image's generation.
public final class TorchGenerator {
    private var engine: MersenneTwister
    private var cachedNormal: Double?
    /// The seed this generator started from.
    public let seed: UInt64

    /// Equivalent to `torch.Generator("cpu").manual_seed(seed)` (only the low 32 bits seed the twister,
    /// as in PyTorch).
    public init(seed: UInt64) {
        self.seed = seed
        engine = MersenneTwister(seed: seed)
    }

    /// 32 random bits (torch's `random()`).
    func random32() -> UInt32 { engine.next() }

    /// 64 random bits from two draws, the first in the high half (torch's `random64()`).
    func random64() -> UInt64 {
        let high = UInt64(engine.next())
        return high << 32 | UInt64(engine.next())
    }

    /// A float uniform in [0, 1) with 24 random bits (`at::uniform_real_distribution<float>`).
    func uniformFloat() -> Float {
        Float(Double(random32() & 0xFF_FFFF) * (1.0 / 16_777_216.0))
    }

    /// A double uniform in [0, 1) with 53 random bits (`at::uniform_real_distribution<double>`).
    func uniformDouble() -> Double {
        Double(random64() & 0x1F_FFFF_FFFF_FFFF) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// One standard normal value from the double-precision path (`at::normal_distribution<double>`).
    func normalDouble() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        let u1 = uniformDouble()
        let u2 = uniformDouble()
        let radius = (-2.0 * Foundation.log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        cachedNormal = radius * Foundation.sin(theta)
        return radius * Foundation.cos(theta)
    }

    /// Standard normal samples shaped `shape`, exactly as `torch.randn(shape, generator=g)` on the CPU.
    /// - Throws: `EngineError` (`input.invalid`) for a negative or absurdly large dimension.
    public func randn(_ shape: [Int]) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 20 }) else {
            throw EngineError(code: "input.invalid", message: "randn: shape \(shape) has a negative or oversized dimension.")
        }
        let (count, overflow) = shape.reduce((1, false)) { acc, d in
            let (product, o) = acc.0.multipliedReportingOverflow(by: d)
            return (product, acc.1 || o)
        }
        guard !overflow, count <= 1 << 31 else {
            throw EngineError(code: "input.invalid", message: "randn: shape \(shape) is too large.")
        }
        guard count > 0 else { return Tensor(shape: shape, data: []) }
        var data = [Float](repeating: 0, count: count)
        if count >= 16 {
            data.withUnsafeMutableBufferPointer { buffer in
                guard let p = buffer.baseAddress else { return }
                for i in 0..<count { p[i] = uniformFloat() }
                var i = 0
                while i + 16 <= count {
                    Self.boxMuller16(p + i)
                    i += 16
                }
                if count % 16 != 0 {
                    let tail = p + (count - 16)
                    for k in 0..<16 { tail[k] = uniformFloat() }
                    Self.boxMuller16(tail)
                }
            }
        } else {
            for i in 0..<count { data[i] = Float(normalDouble()) }
        }
        return Tensor(shape: shape, data: data)
    }

    private static let twoPi = Float(2.0 * Double.pi)

    /// Turns 16 uniforms into 16 normals in place (ATen's vectorised `normal_fill_16`, all in f32 as
    /// the AVX2/AVX-512 build computes it; its SLEEF log/sin/cos differ from libm's by at most an ulp).
    private static func boxMuller16(_ p: UnsafeMutablePointer<Float>) {
        for j in 0..<8 {
            let u1 = 1 - p[j]
            let u2 = p[j + 8]
            let radius = (-2 * Foundation.log(u1)).squareRoot()
            let theta = twoPi * u2
            p[j] = radius * Foundation.cos(theta)
            p[j + 8] = radius * Foundation.sin(theta)
        }
    }
}
