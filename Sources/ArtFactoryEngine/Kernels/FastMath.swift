/// Vectorised `exp` for the hot loops (softmax, SiLU): eight lanes at a time instead of one libm
/// call per element. Range reduction `x = n ln2 + f` (Cody–Waite, |f| ≤ ln2/2) and a degree-7
/// Taylor polynomial give a relative error below 1e-7 on [-87, 88]; inputs are clamped to that range
/// (so `exp(-inf)` is ~1e-38 rather than 0, which no normalisation can tell apart).
enum FastMath {
    @inline(__always)
    static func exp(_ input: SIMD8<Float>) -> SIMD8<Float> {
        let x = input.clamped(lowerBound: SIMD8(repeating: -87.0), upperBound: SIMD8(repeating: 88.0))
        let n = (x * 1.44269504088896341).rounded(.toNearestOrEven)
        let f = x - n * 0.693359375 + n * 2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.0 / 5040)
        p = p * f + 1.0 / 720
        p = p * f + 1.0 / 120
        p = p * f + 1.0 / 24
        p = p * f + 1.0 / 6
        p = p * f + 0.5
        p = p * f + 1
        p = p * f + 1
        let exponent = (SIMD8<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    }

    /// Scalar form of `exp` for loop tails.
    @inline(__always)
    static func exp(_ x: Float) -> Float { exp(SIMD8(repeating: x))[0] }

    /// Softmax of each `width`-long row, in place.
    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        let vectorEnd = width & ~7
        for r in 0..<rows {
            let row = p + r * width
            var m8 = SIMD8<Float>(repeating: -.infinity)
            var j = 0
            while j < vectorEnd {
                m8 = pointwiseMax(m8, UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self))
                j += 8
            }
            var m = m8.max()
            for t in vectorEnd..<width where row[t] > m { m = row[t] }
            let mv = SIMD8<Float>(repeating: m)
            var s8 = SIMD8<Float>(repeating: 0)
            j = 0
            while j < vectorEnd {
                let raw = UnsafeMutableRawPointer(row + j)
                let e = exp(raw.loadUnaligned(as: SIMD8<Float>.self) - mv)
                raw.storeBytes(of: e, as: SIMD8<Float>.self)
                s8 += e
                j += 8
            }
            var sum = s8.sum()
            for t in vectorEnd..<width {
                row[t] = exp(row[t] - m)
                sum += row[t]
            }
            let inv = 1 / sum
            for t in 0..<width { row[t] *= inv }
        }
    }

    /// `x * sigmoid(scale * x)` in place (SiLU for scale 1, quick-GELU for 1.702).
    static func sigmoidGate(_ p: UnsafeMutablePointer<Float>, count: Int, scale: Float = 1) {
        let vectorEnd = count & ~7
        var j = 0
        while j < vectorEnd {
            let raw = UnsafeMutableRawPointer(p + j)
            let v = raw.loadUnaligned(as: SIMD8<Float>.self)
            raw.storeBytes(of: v / (1 + exp(-scale * v)), as: SIMD8<Float>.self)
            j += 8
        }
        for t in vectorEnd..<count { p[t] = p[t] / (1 + exp(-scale * p[t])) }
    }
}
