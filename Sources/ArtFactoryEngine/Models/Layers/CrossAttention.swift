/// Multi-head attention with query/key/value/output projections, named after diffusers' `Attention`
/// (`to_q`, `to_k`, `to_v`, `to_out.0`). Self-attention when no context is given.
struct CrossAttention: Sendable {
    var toQ: Linear
    var toK: Linear
    var toV: Linear
    var toOut: Linear
    let heads: Int

    /// - Parameters: `queryDim` is the input width; `contextDim` the width of the attended states;
    ///   `innerDim = heads * headDim`.
    init(_ weights: WeightSource, _ name: String, queryDim: Int, contextDim: Int, heads: Int, innerDim: Int,
         projectionBias: Bool = false) throws {
        let w = weights.scoped(name)
        toQ = try Linear(w, "to_q", in: queryDim, out: innerDim, bias: projectionBias)
        toK = try Linear(w, "to_k", in: contextDim, out: innerDim, bias: projectionBias)
        toV = try Linear(w, "to_v", in: contextDim, out: innerDim, bias: projectionBias)
        toOut = try Linear(w, "to_out.0", in: innerDim, out: queryDim)
        self.heads = heads
    }

    /// `x` `[B, N, queryDim]`, `context` `[B, M, contextDim]` (nil: attend to `x`).
    func callAsFunction(_ x: Tensor, context: Tensor? = nil) -> Tensor {
        let source = context ?? x
        let q = toQ(x), k = toK(source), v = toV(source)
        return toOut(Attention.multiHead(q: q, k: k, v: v, heads: heads))
    }

    var byteCount: Int { toQ.byteCount + toK.byteCount + toV.byteCount + toOut.byteCount }
}
