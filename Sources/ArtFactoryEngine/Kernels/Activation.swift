import Foundation

/// Point-wise non-linearities, applied in place on raw buffers.
enum Activation {
    /// `x * sigmoid(x)`.
    static func silu(_ p: UnsafeMutableBufferPointer<Float>) {
        Parallel.forEachChunk(p.count, minimumPerChunk: 1 << 15) { r in
            for i in r { let v = p[i]; p[i] = v / (1 + expf(-v)) }
        }
    }

    /// Exact GELU, `0.5 x (1 + erf(x / sqrt 2))`.
    static func gelu(_ p: UnsafeMutableBufferPointer<Float>) {
        Parallel.forEachChunk(p.count, minimumPerChunk: 1 << 15) { r in
            for i in r { let v = p[i]; p[i] = 0.5 * v * (1 + erff(v * 0.70710678118654752)) }
        }
    }

    /// CLIP's quick GELU, `x * sigmoid(1.702 x)`.
    static func quickGELU(_ p: UnsafeMutableBufferPointer<Float>) {
        Parallel.forEachChunk(p.count, minimumPerChunk: 1 << 15) { r in
            for i in r { let v = p[i]; p[i] = v / (1 + expf(-1.702 * v)) }
        }
    }

    /// Applies the named activation (`silu`/`swish`, `gelu`, `quick_gelu`) to a tensor.
    static func apply(_ name: String, to x: inout Tensor) throws {
        try x.data.withUnsafeMutableBufferPointer { p in
            switch name {
            case "silu", "swish": silu(p)
            case "gelu": gelu(p)
            case "quick_gelu": quickGELU(p)
            default: throw EngineError.badInput("activation \"\(name)\" is not supported")
            }
        }
    }

    /// GEGLU's gate: input `[..., 2n]` split into `a, g` halves; returns `a * gelu(g)` `[..., n]`.
    static func geglu(_ x: Tensor) -> Tensor {
        let twice = x.shape[x.rank - 1], n = twice / 2
        let rows = x.count / max(1, twice)
        var out = Tensor(shape: Array(x.shape.dropLast()) + [n])
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                Parallel.forEachChunk(rows, minimumPerChunk: 64) { rs in
                    for r in rs {
                        let a = r * twice, o = r * n
                        for j in 0..<n {
                            let g = xp[a + n + j]
                            op[o + j] = xp[a + j] * 0.5 * g * (1 + erff(g * 0.70710678118654752))
                        }
                    }
                }
            }
        }
        return out
    }

    /// Numerically stable softmax of each `width`-long row, in place.
    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            let row = p + r * width
            var m = -Float.infinity
            for j in 0..<width where row[j] > m { m = row[j] }
            var sum: Float = 0
            for j in 0..<width {
                let e = expf(row[j] - m)
                row[j] = e
                sum += e
            }
            let inv = 1 / sum
            for j in 0..<width { row[j] *= inv }
        }
    }
}
