import CEngineKernels
import Foundation

/// Group norm and layer norm, with statistics accumulated in double precision.
enum Normalization {
    /// Group normalisation of an NCHW tensor (PyTorch `GroupNorm`), optionally followed by SiLU.
    /// - Parameters: gamma/beta `[C]`; `groups` must divide C (checked when the weights load).
    static func groupNorm(_ x: Tensor, groups: Int, gamma: [Float], beta: [Float], epsilon: Float,
                          silu: Bool = false) -> Tensor {
        var out = Tensor(shape: x.shape)
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let xb = xp.baseAddress, let ob = op.baseAddress else { return }
                groupNorm(xb, into: ob, shape: x.shape, groups: groups, gamma: gamma, beta: beta, epsilon: epsilon, silu: silu)
            }
        }
        return out
    }

    /// The same in place: no second tensor when `x` is uniquely referenced (the VAE decoder's 512² blocks).
    static func groupNormInPlace(_ x: inout Tensor, groups: Int, gamma: [Float], beta: [Float], epsilon: Float, silu: Bool = false) {
        let shape = x.shape
        x.data.withUnsafeMutableBufferPointer { xp in
            guard let xb = xp.baseAddress else { return }
            groupNorm(xb, into: xb, shape: shape, groups: groups, gamma: gamma, beta: beta, epsilon: epsilon, silu: silu)
        }
    }

    /// Statistics of each group are taken before any of its values are written, so `ob` may be `xb`.
    private static func groupNorm(_ xb: UnsafePointer<Float>, into ob: UnsafeMutablePointer<Float>, shape: [Int], groups: Int,
                                  gamma: [Float], beta: [Float], epsilon: Float, silu: Bool) {
        let n = shape[0], c = shape[1]
        let plane = shape.reduce(1, *) / max(1, n * c)
        let perGroup = c / groups
        gamma.withUnsafeBufferPointer { gp in
            beta.withUnsafeBufferPointer { bp in
                Parallel.forEachChunk(n * groups) { items in
                    for item in items {
                        let b = item / groups, g = item % groups
                        let start = (b * c + g * perGroup) * plane
                        let len = perGroup * plane
                        var sum = 0.0, sumSq = 0.0
                        // float sums over short blocks, widened to double per block
                        afk_sum_squares(xb + start, len, &sum, &sumSq)
                        let mean = sum / Double(len)
                        let variance = max(0, sumSq / Double(len) - mean * mean)
                        let inv = Float(1 / (variance + Double(epsilon)).squareRoot())
                        let meanF = Float(mean)
                        for ch in 0..<perGroup {
                            let channel = g * perGroup + ch
                            let scale = gp[channel] * inv
                            let shift = bp[channel] - meanF * scale
                            let base = start + ch * plane
                            afk_scale_shift(xb + base, ob + base, plane, scale, shift, silu ? 1 : 0)
                        }
                    }
                }
            }
        }
    }

    /// Layer normalisation over the last dimension (PyTorch `LayerNorm`).
    static func layerNorm(_ x: Tensor, gamma: [Float], beta: [Float], epsilon: Float) -> Tensor {
        let width = x.shape[x.rank - 1]
        let rows = x.count / max(1, width)
        var out = Tensor(shape: x.shape)
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                gamma.withUnsafeBufferPointer { gp in
                    beta.withUnsafeBufferPointer { bp in
                        Parallel.forEachChunk(rows, minimumPerChunk: 64) { rs in
                            for r in rs {
                                let base = r * width
                                var sum = 0.0
                                for j in 0..<width { sum += Double(xp[base + j]) }
                                let mean = sum / Double(width)
                                var sq = 0.0
                                for j in 0..<width { let d = Double(xp[base + j]) - mean; sq += d * d }
                                let inv = Float(1 / (sq / Double(width) + Double(epsilon)).squareRoot())
                                let meanF = Float(mean)
                                for j in 0..<width { op[base + j] = (xp[base + j] - meanF) * inv * gp[j] + bp[j] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
