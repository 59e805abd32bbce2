/// The VAE's decoder (diffusers' `Decoder`): conv_in, the mid block, `UpDecoderBlock2D`s
/// (resnets then nearest 2x upsample + conv), GroupNorm → SiLU → conv_out to RGB.
struct VAEDecoder: Sendable {
    let convIn: Conv2d
    let mid: VAEMidBlock
    let blocks: [(resnets: [ResnetBlock2D], upsampler: Conv2d?)]
    let normOut: GroupNorm
    let convOut: Conv2d

    init(_ w: WeightSource, configuration c: AutoencoderConfiguration) throws {
        let reversed = Array(c.blockOutChannels.reversed()), groups = c.normNumGroups
        convIn = try Conv2d(w, "conv_in", in: c.latentChannels, out: reversed[0])
        mid = try VAEMidBlock(w.scoped("mid_block"), channels: reversed[0], groups: groups, attention: c.midBlockAddAttention)
        var blocks: [(resnets: [ResnetBlock2D], upsampler: Conv2d?)] = []
        var previous = reversed[0]
        for i in 0..<reversed.count {
            let s = w.scoped("up_blocks.\(i)")
            let out = reversed[i]
            let resnets = try (0...c.layersPerBlock).map {
                try ResnetBlock2D(s.scoped("resnets.\($0)"), in: $0 == 0 ? previous : out, out: out,
                                  timeEmbeddingChannels: nil, groups: groups, epsilon: 1e-6)
            }
            let upsampler = i == reversed.count - 1 ? nil : try Conv2d(s, "upsamplers.0.conv", in: out, out: out)
            blocks.append((resnets, upsampler))
            previous = out
        }
        self.blocks = blocks
        normOut = try GroupNorm(w, "conv_norm_out", channels: previous, groups: groups, epsilon: 1e-6)
        convOut = try Conv2d(w, "conv_out", in: previous, out: c.outChannels)
    }

    func callAsFunction(_ z: Tensor) -> Tensor {
        var h = mid(convIn(z))
        for block in blocks {
            for resnet in block.resnets {
                let out = resnet(taking: &h)
                h = out
            }
            if let upsampler = block.upsampler { h = upsampler(Elementwise.upsampleNearest2x(h)) }
        }
        return convOut(normOut(h, silu: true))
    }

    var byteCount: Int {
        convIn.byteCount + mid.byteCount + normOut.byteCount + convOut.byteCount
            + blocks.reduce(0) { $0 + $1.resnets.reduce(0) { $0 + $1.byteCount } + ($1.upsampler?.byteCount ?? 0) }
    }
}
