/// The UNet's encoder stage (diffusers' `DownBlock2D`, or `CrossAttnDownBlock2D` when `attentions`
/// is non-empty): residual blocks, each optionally followed by a transformer, then a stride-2 conv.
struct DownBlock2D: Sendable {
    var resnets: [ResnetBlock2D]
    var attentions: [Transformer2DModel]
    var downsampler: Conv2d?

    /// Runs the block, appending every intermediate output to `skips` for the decoder.
    func callAsFunction(_ x: Tensor, timeEmbedding: Tensor, context: Tensor, skips: inout [Tensor]) -> Tensor {
        var h = x
        for (i, resnet) in resnets.enumerated() {
            h = resnet(h, timeEmbedding: timeEmbedding)
            if i < attentions.count { h = attentions[i](h, context: context) }
            skips.append(h)
        }
        if let downsampler {
            h = downsampler(h)
            skips.append(h)
        }
        return h
    }

    var byteCount: Int {
        resnets.reduce(0) { $0 + $1.byteCount } + attentions.reduce(0) { $0 + $1.byteCount } + (downsampler?.byteCount ?? 0)
    }
}

/// The UNet's bottleneck (diffusers' `UNetMidBlock2DCrossAttn`): resnet → transformer(s) → resnet.
struct MidBlock2DCrossAttn: Sendable {
    var resnets: [ResnetBlock2D]
    var attentions: [Transformer2DModel]

    func callAsFunction(_ x: Tensor, timeEmbedding: Tensor, context: Tensor) -> Tensor {
        var h = resnets[0](x, timeEmbedding: timeEmbedding)
        for (i, attention) in attentions.enumerated() {
            h = attention(h, context: context)
            h = resnets[i + 1](h, timeEmbedding: timeEmbedding)
        }
        return h
    }

    var byteCount: Int { resnets.reduce(0) { $0 + $1.byteCount } + attentions.reduce(0) { $0 + $1.byteCount } }
}

/// The UNet's decoder stage (diffusers' `UpBlock2D` / `CrossAttnUpBlock2D`): each residual block
/// first concatenates the matching encoder output, then an optional transformer; finally a nearest
/// 2x upsample and a 3x3 conv.
struct UpBlock2D: Sendable {
    var resnets: [ResnetBlock2D]
    var attentions: [Transformer2DModel]
    var upsampler: Conv2d?

    /// Consumes skips from the end of `skips`; `upsampleTo` is the size of the next stage's skip.
    func callAsFunction(_ x: Tensor, timeEmbedding: Tensor, context: Tensor, skips: inout [Tensor],
                        upsampleTo size: (Int, Int)?) -> Tensor {
        var h = x
        for (i, resnet) in resnets.enumerated() {
            guard let skip = skips.popLast() else { break }
            h = resnet(Elementwise.concatenateChannels(h, skip), timeEmbedding: timeEmbedding)
            if i < attentions.count { h = attentions[i](h, context: context) }
        }
        if let upsampler {
            let target = size ?? (h.shape[2] * 2, h.shape[3] * 2)
            h = upsampler(Elementwise.upsampleNearest(h, height: target.0, width: target.1))
        }
        return h
    }

    var byteCount: Int {
        resnets.reduce(0) { $0 + $1.byteCount } + attentions.reduce(0) { $0 + $1.byteCount } + (upsampler?.byteCount ?? 0)
    }
}
