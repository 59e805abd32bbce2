/// The VAE's encoder (diffusers' `Encoder`): conv_in, `DownEncoderBlock2D`s (resnets then a
/// stride-2 conv padded only on the right and bottom), the mid block, GroupNorm → SiLU → conv_out
/// to `2 * latentChannels` (mean and log-variance).
struct VAEEncoder: Sendable {
    let convIn: Conv2d
    let blocks: [(resnets: [ResnetBlock2D], downsampler: Conv2d?)]
    let mid: VAEMidBlock
    let normOut: GroupNorm
    let convOut: Conv2d

    init(_ w: WeightSource, configuration c: AutoencoderConfiguration) throws {
        let ch = c.blockOutChannels, groups = c.normNumGroups
        convIn = try Conv2d(w, "conv_in", in: c.inChannels, out: ch[0])
        var blocks: [(resnets: [ResnetBlock2D], downsampler: Conv2d?)] = []
        var previous = ch[0]
        for i in 0..<ch.count {
            let s = w.scoped("down_blocks.\(i)")
            let resnets = try (0..<c.layersPerBlock).map {
                try ResnetBlock2D(s.scoped("resnets.\($0)"), in: $0 == 0 ? previous : ch[i], out: ch[i],
                                  timeEmbeddingChannels: nil, groups: groups, epsilon: 1e-6)
            }
            let downsampler = i == ch.count - 1 ? nil
                : try Conv2d(s, "downsamplers.0.conv", in: ch[i], out: ch[i], stride: 2, padding: 0)
            blocks.append((resnets, downsampler))
            previous = ch[i]
        }
        self.blocks = blocks
        mid = try VAEMidBlock(w.scoped("mid_block"), channels: previous, groups: groups, attention: c.midBlockAddAttention)
        normOut = try GroupNorm(w, "conv_norm_out", channels: previous, groups: groups, epsilon: 1e-6)
        convOut = try Conv2d(w, "conv_out", in: previous, out: 2 * c.latentChannels)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = convIn(x)
        for block in blocks {
            for resnet in block.resnets { h = resnet(h) }
            if let downsampler = block.downsampler { h = downsampler(Elementwise.padRightBottom(h)) }
        }
        return convOut(normOut(mid(h), silu: true))
    }

    var byteCount: Int {
        convIn.byteCount + mid.byteCount + normOut.byteCount + convOut.byteCount
            + blocks.reduce(0) { $0 + $1.resnets.reduce(0) { $0 + $1.byteCount } + ($1.downsampler?.byteCount ?? 0) }
    }
}
