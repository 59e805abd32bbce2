import Foundation

/// The denoiser of Stable Diffusion 1.x/2.x (diffusers' `UNet2DConditionModel`), configured from
/// `unet/config.json`: conv_in, down blocks, the cross-attention mid block, up blocks with skip
/// connections, and GroupNorm → SiLU → conv_out. SDXL UNets (`addition_embed_type` `text_time`) also
/// add an embedding of the pooled text projection and the size/crop time ids (`TextTimeEmbedding`).
/// Weights are f32 in memory.
public struct UNet2DConditionModel: NoisePredicting {
    /// The configuration the weights were loaded for.
    public let configuration: UNetConfiguration
    var timeEmbedding: TimestepEmbedding
    var addEmbedding: TextTimeEmbedding?
    var convIn: Conv2d
    var downBlocks: [DownBlock2D]
    var midBlock: MidBlock2DCrossAttn?
    var upBlocks: [UpBlock2D]
    let normOut: GroupNorm
    var convOut: Conv2d

    public var inChannels: Int { configuration.inChannels }
    public var outChannels: Int { configuration.outChannels }

    /// Loads a diffusers `unet/` folder (`config.json` + `diffusion_pytorch_model.safetensors`).
    /// - Throws: `EngineError` for a missing or invalid config, weights file or weight.
    public init(directory: String) throws {
        let configPath = (directory as NSString).appendingPathComponent("config.json")
        let configuration = try ConfigFile.load(UNetConfiguration.self, path: configPath, what: "The UNet's config.json")
        let file = try SafeTensorsFile(path: try ComponentFiles.weightsPath(in: directory, names: ["diffusion_pytorch_model", "model"]))
        try self.init(configuration: configuration, weights: WeightSource(files: [file]))
    }

    /// Builds the model from weights named as in diffusers.
    public init(configuration c: UNetConfiguration, weights w: WeightSource) throws {
        try c.validate(path: w.path)
        configuration = c
        let channels = c.blockOutChannels
        let temb = channels[0] * 4
        let groups = c.normNumGroups, eps = c.normEpsilon
        timeEmbedding = try TimestepEmbedding(w.scoped("time_embedding"), channels: channels[0], embeddingChannels: temb,
                                              flipSinToCos: c.flipSinToCos, freqShift: c.freqShift)
        if c.usesTextTimeEmbedding, let dim = c.additionTimeEmbedDim, let input = c.projectionClassEmbeddingsInputDim {
            addEmbedding = try TextTimeEmbedding(w.scoped("add_embedding"), timeEmbedDim: dim, inputDim: input,
                                                 embeddingChannels: temb, flipSinToCos: c.flipSinToCos, freqShift: c.freqShift)
        } else {
            addEmbedding = nil
        }
        convIn = try Conv2d(w, "conv_in", in: c.inChannels, out: channels[0])
        func transformer(_ s: WeightSource, _ ch: Int, _ heads: Int, _ layers: Int) throws -> Transformer2DModel {
            try Transformer2DModel(s, channels: ch, heads: heads, layers: layers, contextDim: c.crossAttentionDim,
                                   groups: groups, linearProjection: c.useLinearProjection)
        }
        var down: [DownBlock2D] = []
        var previous = channels[0]
        for (i, type) in c.downBlockTypes.enumerated() {
            let s = w.scoped("down_blocks.\(i)")
            let out = channels[i]
            var resnets: [ResnetBlock2D] = [], attentions: [Transformer2DModel] = []
            for j in 0..<c.layersPerBlock {
                resnets.append(try ResnetBlock2D(s.scoped("resnets.\(j)"), in: j == 0 ? previous : out, out: out,
                                                 timeEmbeddingChannels: temb, groups: groups, epsilon: eps))
                if type == "CrossAttnDownBlock2D" {
                    attentions.append(try transformer(s.scoped("attentions.\(j)"), out, c.heads(forBlock: i), c.transformerLayers(forBlock: i)))
                }
            }
            let last = i == channels.count - 1
            let downsampler = last ? nil : try Conv2d(s, "downsamplers.0.conv", in: out, out: out, stride: 2, padding: c.downsamplePadding)
            down.append(DownBlock2D(resnets: resnets, attentions: attentions, downsampler: downsampler))
            previous = out
        }
        downBlocks = down
        let deepest = channels[channels.count - 1], lastBlock = channels.count - 1
        if c.midBlockType != nil {
            let s = w.scoped("mid_block")
            midBlock = MidBlock2DCrossAttn(
                resnets: try (0..<2).map {
                    try ResnetBlock2D(s.scoped("resnets.\($0)"), in: deepest, out: deepest, timeEmbeddingChannels: temb, groups: groups, epsilon: eps)
                },
                attentions: [try transformer(s.scoped("attentions.0"), deepest, c.heads(forBlock: lastBlock), c.transformerLayers(forBlock: lastBlock))])
        } else {
            midBlock = nil
        }
        var up: [UpBlock2D] = []
        let reversed = Array(channels.reversed())
        var previousOut = reversed[0]
        for (i, type) in c.upBlockTypes.enumerated() {
            let s = w.scoped("up_blocks.\(i)")
            let out = reversed[i], input = reversed[min(i + 1, channels.count - 1)]
            let block = channels.count - 1 - i
            var resnets: [ResnetBlock2D] = [], attentions: [Transformer2DModel] = []
            for j in 0...c.layersPerBlock {
                let skip = j == c.layersPerBlock ? input : out
                let resIn = j == 0 ? previousOut : out
                resnets.append(try ResnetBlock2D(s.scoped("resnets.\(j)"), in: resIn + skip, out: out,
                                                 timeEmbeddingChannels: temb, groups: groups, epsilon: eps))
                if type == "CrossAttnUpBlock2D" {
                    attentions.append(try transformer(s.scoped("attentions.\(j)"), out, c.heads(forBlock: block), c.transformerLayers(forBlock: block)))
                }
            }
            let last = i == channels.count - 1
            let upsampler = last ? nil : try Conv2d(s, "upsamplers.0.conv", in: out, out: out)
            up.append(UpBlock2D(resnets: resnets, attentions: attentions, upsampler: upsampler))
            previousOut = out
        }
        upBlocks = up
        normOut = try GroupNorm(w, "conv_norm_out", channels: channels[0], groups: groups, epsilon: eps)
        convOut = try Conv2d(w, "conv_out", in: channels[0], out: c.outChannels)
    }

    /// Bytes of f32 parameters held in memory.
    public var byteCount: Int {
        timeEmbedding.byteCount + (addEmbedding?.byteCount ?? 0) + convIn.byteCount + downBlocks.reduce(0) { $0 + $1.byteCount }
            + (midBlock?.byteCount ?? 0) + upBlocks.reduce(0) { $0 + $1.byteCount } + normOut.byteCount + convOut.byteCount
    }

    public var addedConditionInputs: Int? { configuration.usesTextTimeEmbedding ? configuration.projectionClassEmbeddingsInputDim : nil }

    public func predict(sample: Tensor, timestep: Float, context: Tensor) throws -> Tensor {
        try predict(sample: sample, timestep: timestep, context: context, conditions: nil)
    }

    public func predict(sample: Tensor, timestep: Float, context: Tensor, conditions: AddedConditions?) throws -> Tensor {
        guard sample.rank == 4, sample.shape[1] == inChannels, sample.shape[2] > 0, sample.shape[3] > 0 else {
            throw EngineError.badInput("the UNet expects latents [batch, \(inChannels), h, w], got \(sample.shape)")
        }
        let batch = sample.shape[0]
        guard context.rank == 3, context.shape[0] == batch, context.shape[2] == configuration.crossAttentionDim, context.shape[1] > 0 else {
            throw EngineError.badInput("the UNet expects context [\(batch), tokens, \(configuration.crossAttentionDim)], got \(context.shape)")
        }
        guard timestep.isFinite else { throw EngineError.badInput("the timestep must be a finite number") }
        var temb = timeEmbedding(timestep, batch: batch)
        switch (addEmbedding, conditions) {
        case (let add?, let conditions?):
            guard conditions.textEmbeds.shape.first == batch, conditions.timeIDs.shape.first == batch else {
                throw EngineError.badInput("SDXL conditioning has \(conditions.textEmbeds.shape.first ?? 0) rows for a batch of \(batch)")
            }
            temb = Elementwise.add(temb, try add(textEmbeds: conditions.textEmbeds, timeIDs: conditions.timeIDs))
        case (.some, nil):
            throw EngineError.badInput("this SDXL UNet needs the pooled text projection and time ids (text_embeds, time_ids)")
        case (nil, .some):
            throw EngineError.badInput("this UNet takes no added conditions (it is not an SDXL UNet)")
        case (nil, nil):
            break
        }
        temb.data.withUnsafeMutableBufferPointer { Activation.silu($0) }  // every resnet applies SiLU first
        var h = convIn(sample)
        var skips = [h]
        for block in downBlocks { h = block(h, timeEmbedding: temb, context: context, skips: &skips) }
        if let midBlock { h = midBlock(h, timeEmbedding: temb, context: context) }
        for block in upBlocks {
            let consumed = block.resnets.count
            let nextSkip = skips.count > consumed ? skips[skips.count - consumed - 1] : nil
            h = block(h, timeEmbedding: temb, context: context, skips: &skips,
                      upsampleTo: nextSkip.map { ($0.shape[2], $0.shape[3]) })
        }
        return convOut(normOut(h, silu: true))
    }
}
