import CEngineKernels
import Foundation

/// Point-wise non-linearities, applied in place on raw buffers.
enum Activation {
    /// `x * sigmoid(x)`.
    static func silu(_ p: UnsafeMutableBufferPointer<Float>) {
        guard let base = p.baseAddress else { return }
        Parallel.forEachChunk(p.count, minimumPerChunk: 1 << 15) { r in afk_silu(base + r.lowerBound, r.count) }
    }

    /// Exact GELU, `0.5 x (1 + erf(x / sqrt 2))`.
    static func gelu(_ p: UnsafeMutableBufferPointer<Float>) {
        guard let base = p.baseAddress else { return }
        Parallel.forEachChunk(p.count, minimumPerChunk: 1 << 15) { r in afk_gelu(base + r.lowerBound, r.count) }
    }

    /// CLIP's quick GELU, `x * sigmoid(1.702 x)`.
    static func quickGELU(_ p: UnsafeMutableBufferPointer<Float>) {
        guard let base = p.baseAddress else { return }
        Parallel.forEachChunk(p.count, minimumPerChunk: 1 << 15) { r in afk_quick_gelu(base + r.lowerBound, r.count) }
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
                guard let xb = xp.baseAddress, let ob = op.baseAddress else { return }
                Parallel.forEachChunk(rows, minimumPerChunk: 64) { rs in
                    for r in rs {
                        let a = r * twice
                        afk_geglu(xb + a, xb + a + n, ob + r * n, n)
                    }
                }
            }
        }
        return out
    }

    /// Numerically stable softmax of each `width`-long row, in place.
    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        afk_softmax_rows(p, rows, width)
    }
}
