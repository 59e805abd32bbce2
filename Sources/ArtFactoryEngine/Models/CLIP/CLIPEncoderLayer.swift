/// One pre-norm transformer layer of CLIP's text encoder: causal self-attention then an MLP, each
/// with a residual connection (transformers' `CLIPEncoderLayer`).
struct CLIPEncoderLayer: Sendable {
    let layerNorm1: LayerNorm
    var qProj: Linear, kProj: Linear, vProj: Linear, outProj: Linear
    let layerNorm2: LayerNorm
    var fc1: Linear, fc2: Linear
    let heads: Int
    let activation: String

    init(_ weights: WeightSource, configuration c: CLIPTextConfiguration) throws {
        let h = c.hiddenSize
        layerNorm1 = try LayerNorm(weights, "layer_norm1", width: h, epsilon: c.layerNormEpsilon)
        layerNorm2 = try LayerNorm(weights, "layer_norm2", width: h, epsilon: c.layerNormEpsilon)
        let attn = weights.scoped("self_attn")
        qProj = try Linear(attn, "q_proj", in: h, out: h)
        kProj = try Linear(attn, "k_proj", in: h, out: h)
        vProj = try Linear(attn, "v_proj", in: h, out: h)
        outProj = try Linear(attn, "out_proj", in: h, out: h)
        fc1 = try Linear(weights, "mlp.fc1", in: h, out: c.intermediateSize)
        fc2 = try Linear(weights, "mlp.fc2", in: c.intermediateSize, out: h)
        heads = c.numAttentionHeads
        activation = c.hiddenAct
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let normed = layerNorm1(x)
        let attended = Attention.multiHead(q: qProj(normed), k: kProj(normed), v: vProj(normed),
                                           heads: heads, causal: true)
        let afterAttention = Elementwise.add(x, outProj(attended))
        var hidden = fc1(layerNorm2(afterAttention))
        try Activation.apply(activation, to: &hidden)
        return Elementwise.add(afterAttention, fc2(hidden))
    }

    var byteCount: Int {
        layerNorm1.byteCount + layerNorm2.byteCount + qProj.byteCount + kProj.byteCount + vProj.byteCount
            + outProj.byteCount + fc1.byteCount + fc2.byteCount
    }
}
