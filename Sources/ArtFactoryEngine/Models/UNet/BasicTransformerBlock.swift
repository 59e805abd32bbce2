/// diffusers' `BasicTransformerBlock`: self-attention, cross-attention to the text, and a GEGLU
/// feed-forward, each pre-normed with LayerNorm and added back to the residual stream.
struct BasicTransformerBlock: Sendable {
    let norm1: LayerNorm, attn1: CrossAttention
    let norm2: LayerNorm, attn2: CrossAttention
    let norm3: LayerNorm
    let feedForwardIn: Linear, feedForwardOut: Linear

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
        return Elementwise.add(h, feedForwardOut(Activation.geglu(feedForwardIn(norm3(h)))))
    }

    var byteCount: Int {
        norm1.byteCount + attn1.byteCount + norm2.byteCount + attn2.byteCount + norm3.byteCount
            + feedForwardIn.byteCount + feedForwardOut.byteCount
    }
}
