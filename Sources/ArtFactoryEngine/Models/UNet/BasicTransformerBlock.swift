import CEngineKernels

/// diffusers' `BasicTransformerBlock`: self-attention, cross-attention to the text, and a GEGLU
/// feed-forward, each pre-normed with LayerNorm and added back to the residual stream.
struct BasicTransformerBlock: Sendable {
    let norm1: LayerNorm, norm2: LayerNorm
    var attn1: CrossAttention, attn2: CrossAttention
    let norm3: LayerNorm
    var feedForwardIn: Linear, feedForwardOut: Linear

    init(_ weights: WeightSource, dim: Int, heads: Int, contextDim: Int) throws {
        norm1 = try LayerNorm(weights, "norm1", width: dim)
        attn1 = try CrossAttention(weights, "attn1", queryDim: dim, contextDim: dim, heads: heads, innerDim: dim)
        norm2 = try LayerNorm(weights, "norm2", width: dim)
        attn2 = try CrossAttention(weights, "attn2", queryDim: dim, contextDim: contextDim, heads: heads, innerDim: dim)
        norm3 = try LayerNorm(weights, "norm3", width: dim)
        feedForwardIn = try Linear(weights, "ff.net.0.proj", in: dim, out: dim * 8)
        feedForwardOut = try Linear(weights, "ff.net.2", in: dim * 4, out: dim)
    }

    /// `x` `[B, N, dim]`, `context` `[B, M, contextDim]`.
    func callAsFunction(_ x: Tensor, context: Tensor) -> Tensor {
        var h = Elementwise.add(x, attn1(norm1(x)))
        h = Elementwise.add(h, attn2(norm2(h), context: context))
        return feedForward(norm3(h), residual: h)
    }

    /// Rows processed together by the feed-forward: its GEGLU projection is 8 × dim wide (84 MB for
    /// SD 1.5 at 512² if done whole), so it runs over chunks of about 16 MB that stay in cache.
    static let feedForwardChunkFloats = 4 << 20

    /// `residual + W2·geglu(W1·x + b1) + b2`, row chunk by row chunk, with the two intermediate buffers
    /// reused across chunks and the result accumulated straight into the residual's copy.
    func feedForward(_ x: Tensor, residual: Tensor) -> Tensor {
        let dim = feedForwardOut.outFeatures, hidden = feedForwardIn.outFeatures, half = hidden / 2
        let rows = x.count / dim
        let chunk = max(1, min(rows, Self.feedForwardChunkFloats / hidden))
        var out = residual
        let projection = UnsafeMutablePointer<Float>.allocate(capacity: chunk * hidden)
        let gated = UnsafeMutablePointer<Float>.allocate(capacity: chunk * half)
        defer { projection.deallocate(); gated.deallocate() }
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let xb = xp.baseAddress, let ob = op.baseAddress else { return }
                var r0 = 0
                while r0 < rows {
                    let n = min(chunk, rows - r0)
                    let b1 = feedForwardIn.bias, b2 = feedForwardOut.bias
                    if let b1 { for r in 0..<n { (projection + r * hidden).update(from: b1, count: hidden) } }
                    WeightProducts.linear(xb + r0 * dim, rows: n, inFeatures: dim, weight: feedForwardIn.weight,
                                          outFeatures: hidden, c: projection, ldc: hidden, accumulate: b1 != nil)
                    Parallel.forEachChunk(n, minimumPerChunk: 16) { rs in
                        for r in rs {
                            afk_geglu(projection + r * hidden, projection + r * hidden + half, gated + r * half, half)
                        }
                    }
                    if let b2 {
                        for r in 0..<n {
                            let row = ob + (r0 + r) * dim
                            for j in 0..<dim { row[j] += b2[j] }
                        }
                    }
                    WeightProducts.linear(gated, rows: n, inFeatures: half, weight: feedForwardOut.weight,
                                          outFeatures: dim, c: ob + r0 * dim, ldc: dim, accumulate: true)
                    r0 += n
                }
            }
        }
        return out
    }

    var byteCount: Int {
        norm1.byteCount + attn1.byteCount + norm2.byteCount + attn2.byteCount + norm3.byteCount
            + feedForwardIn.byteCount + feedForwardOut.byteCount
    }
}
