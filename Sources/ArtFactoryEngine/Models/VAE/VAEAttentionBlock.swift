/// The single-head spatial self-attention in the VAE's mid block (diffusers' `Attention` with a
/// group norm and a residual connection; older checkpoints call it `AttnBlock`).
struct VAEAttentionBlock: Sendable {
    let groupNorm: GroupNorm
    let toQ: Linear, toK: Linear, toV: Linear, toOut: Linear

    init(_ weights: WeightSource, channels: Int, groups: Int) throws {
        groupNorm = try GroupNorm(weights, "group_norm", channels: channels, groups: groups, epsilon: 1e-6)
        toQ = try Linear(weights, "to_q", in: channels, out: channels)
        toK = try Linear(weights, "to_k", in: channels, out: channels)
        toV = try Linear(weights, "to_v", in: channels, out: channels)
        toOut = try Linear(weights, "to_out.0", in: channels, out: channels)
    }

    /// `x` `[B, C, H, W]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        let tokens = Elementwise.channelsLast(groupNorm(x))
        let attended = toOut(Attention.multiHead(q: toQ(tokens), k: toK(tokens), v: toV(tokens), heads: 1))
        return Elementwise.add(x, Elementwise.channelsFirst(attended, height: x.shape[2], width: x.shape[3]))
    }

    var byteCount: Int { groupNorm.byteCount + toQ.byteCount + toK.byteCount + toV.byteCount + toOut.byteCount }
}

/// The VAE's mid block (diffusers' `UNetMidBlock2D`): resnet → attention → resnet.
struct VAEMidBlock: Sendable {
    let resnet1: ResnetBlock2D
    let attention: VAEAttentionBlock?
    let resnet2: ResnetBlock2D

    init(_ weights: WeightSource, channels: Int, groups: Int, attention: Bool) throws {
        resnet1 = try ResnetBlock2D(weights.scoped("resnets.0"), in: channels, out: channels, timeEmbeddingChannels: nil, groups: groups, epsilon: 1e-6)
        self.attention = attention ? try VAEAttentionBlock(weights.scoped("attentions.0"), channels: channels, groups: groups) : nil
        resnet2 = try ResnetBlock2D(weights.scoped("resnets.1"), in: channels, out: channels, timeEmbeddingChannels: nil, groups: groups, epsilon: 1e-6)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = resnet1(x)
        if let attention { h = attention(h) }
        return resnet2(h)
    }

    var byteCount: Int { resnet1.byteCount + (attention?.byteCount ?? 0) + resnet2.byteCount }
}
