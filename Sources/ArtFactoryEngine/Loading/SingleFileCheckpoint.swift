import Foundation

/// A single-file Stable Diffusion 1.x/2.x or SDXL checkpoint in the original layout (as published by
/// CompVis/Stability and most model sites), as `.safetensors`. SDXL files (`conditioner.embedders.0/1`,
/// `label_emb`) get 64-wide heads, SDXL's VAE scaling factor 0.13025 and both text encoders; SDXL refiner
/// files (only `conditioner.embedders.0.model`, OpenCLIP) their one encoder and five time ids. The architecture is inferred from
/// tensor names and shapes: input channels (4, or 9 for inpainting), block widths, layers per block,
/// transformer depth, linear vs convolutional projections, and the text encoder family
/// (OpenAI CLIP → SD 1.x, OpenCLIP → SD 2.x). Heads follow each family's convention (SD 1.x: 8 per
/// block; SD 2.x and CLIP: 64-wide heads); GroupNorm uses 32 groups as every SD checkpoint does.
public struct SingleFileCheckpoint: Sendable {
    public let path: String
    let file: SafeTensorsFile
    /// The inferred family.
    public let variant: StableDiffusionModels.Variant
    public let unetConfiguration: UNetConfiguration
    public let vaeConfiguration: AutoencoderConfiguration
    public let textConfiguration: CLIPTextConfiguration
    /// SDXL's second text encoder (OpenCLIP ViT-bigG with its projection); nil otherwise.
    public let textConfiguration2: CLIPTextConfiguration?

    /// Opens and inspects a checkpoint (weights are read later by `loadModels`).
    /// - Throws: `EngineError` — `weights.unsupportedFormat` for pickle `.ckpt` files,
    ///   `checkpoint.unsupported` when the file is not an SD 1.x/2.x checkpoint (e.g. SDXL, a LoRA).
    public init(path: String) throws {
        self.path = path
        if path.lowercased().hasSuffix(".ckpt") || path.lowercased().hasSuffix(".pt") || path.lowercased().hasSuffix(".bin") {
            throw EngineError(code: "weights.unsupportedFormat",
                              message: "Pickle checkpoints (.ckpt/.pt/.bin) are not loaded, as they can run code; convert the file to .safetensors.",
                              path: path)
        }
        let opened = try SafeTensorsFile(path: path)
        file = opened
        let keys = Set(opened.entries.keys)
        let shape = { (key: String) -> [Int]? in opened.entries[key]?.shape }
        let unsupported = { (why: String) -> EngineError in
            EngineError(code: "checkpoint.unsupported",
                        message: "This file is not a Stable Diffusion 1.x/2.x/XL checkpoint (\(why)); SD 1.x, 2.x and SDXL base checkpoints are supported.",
                        path: path)
        }
        let u = CheckpointKeyMap.unetPrefix
        if ModelFamily.isRefiner(keys: keys) {
            // An SDXL refiner: loads as a second stage (used as a base model it is refused where requests are
            // checked, by its family). Its added conditioning takes five time ids (original size, crop,
            // aesthetic score) beside the pooled projection.
            let refinerError = { (why: String) -> EngineError in
                EngineError(code: "checkpoint.unsupported", message: "This SDXL refiner file could not be read (\(why)).", path: path)
            }
            guard let convIn = shape(u + "input_blocks.0.0.weight"), convIn.count == 4 else {
                throw refinerError("it has no \(u)input_blocks.0.0.weight, so no SD UNet")
            }
            var unet = try Self.inferUNet(shape: shape, keys: keys, inChannels: convIn[1], sd2: true, unsupported: refinerError)
            let te = CheckpointKeyMap.refinerOpenCLIPPrefix
            guard let label = shape(u + "label_emb.0.0.weight"), label.count == 2,
                  let projection = shape(te + "text_projection"), projection.count == 2,
                  (label[1] - projection[1]) > 0, (label[1] - projection[1]) % 5 == 0 else {
                throw refinerError("its added conditioning (label_emb, text_projection) could not be recognised")
            }
            unet.setTextTimeEmbedding(timeEmbedDim: (label[1] - projection[1]) / 5, inputDim: label[1])
            unetConfiguration = unet
            var vae = try Self.inferVAE(shape: shape, keys: keys, unsupported: refinerError)
            vae.scalingFactor = 0.13025
            vaeConfiguration = vae
            textConfiguration = try Self.inferText(shape: shape, keys: keys, sd2: true, unsupported: refinerError,
                                                   openCLIPPrefix: te, dropLastLayer: false)
            textConfiguration2 = nil
            variant = .sdxlRefiner
            return
        }
        if let why = ModelFamily.unsupportedReason(keys: keys) {
            throw EngineError(code: "checkpoint.unsupported", message: why, path: path)
        }
        if ModelFamily.isSDXL(keys: keys) {
            guard let convIn = shape(u + "input_blocks.0.0.weight"), convIn.count == 4 else {
                throw unsupported("it has no \(u)input_blocks.0.0.weight, so no SD UNet")
            }
            var unet = try Self.inferUNet(shape: shape, keys: keys, inChannels: convIn[1], sd2: true, unsupported: unsupported)
            let te2Prefix = CheckpointKeyMap.sdxlOpenCLIPPrefix
            guard let label = shape(u + "label_emb.0.0.weight"), label.count == 2,
                  let projection = shape(te2Prefix + "text_projection"), projection.count == 2,
                  (label[1] - projection[1]) > 0, (label[1] - projection[1]) % 6 == 0 else {
                throw unsupported("its SDXL added conditioning (label_emb, text_projection) could not be recognised")
            }
            unet.setTextTimeEmbedding(timeEmbedDim: (label[1] - projection[1]) / 6, inputDim: label[1])
            unetConfiguration = unet
            var vae = try Self.inferVAE(shape: shape, keys: keys, unsupported: unsupported)
            vae.scalingFactor = 0.13025  // SDXL's VAE (not stored in the file)
            vaeConfiguration = vae
            textConfiguration = try Self.inferText(shape: shape, keys: keys, sd2: false, unsupported: unsupported,
                                                   openAIPrefix: CheckpointKeyMap.sdxlOpenAIPrefix)
            textConfiguration2 = try Self.inferText(shape: shape, keys: keys, sd2: true, unsupported: unsupported,
                                                    openCLIPPrefix: te2Prefix, dropLastLayer: false)
            variant = .sdxl
            return
        }
        textConfiguration2 = nil
        guard let convIn = shape(u + "input_blocks.0.0.weight"), convIn.count == 4 else {
            throw unsupported("it has no \(u)input_blocks.0.0.weight, so no SD UNet")
        }
        let sd2: Bool
        if keys.contains(where: { $0.hasPrefix(CheckpointKeyMap.openCLIPPrefix) }) {
            sd2 = true
        } else if keys.contains(where: { $0.hasPrefix(CheckpointKeyMap.openAIPrefix) }) {
            sd2 = false
        } else {
            throw unsupported("it has no text encoder under cond_stage_model")
        }
        guard keys.contains(where: { $0.hasPrefix(CheckpointKeyMap.vaePrefix) }) else {
            throw unsupported("it has no VAE under first_stage_model")
        }
        unetConfiguration = try Self.inferUNet(shape: shape, keys: keys, inChannels: convIn[1], sd2: sd2, unsupported: unsupported)
        vaeConfiguration = try Self.inferVAE(shape: shape, keys: keys, unsupported: unsupported)
        textConfiguration = try Self.inferText(shape: shape, keys: keys, sd2: sd2, unsupported: unsupported)
        let inpainting = unetConfiguration.inChannels == 2 * vaeConfiguration.latentChannels + 1
        variant = sd2 ? (inpainting ? .sd2Inpainting : .sd2) : (inpainting ? .sd1Inpainting : .sd1)
    }

    /// Reads the weights into the networks.
    public func loadModels() throws -> StableDiffusionModels {
        let keys = Array(file.entries.keys)
        if variant == .sdxlRefiner {
            let unet = try UNet2DConditionModel(configuration: unetConfiguration,
                weights: WeightSource(file: file, renamed: CheckpointKeyMap.unet(keys, layersPerBlock: unetConfiguration.layersPerBlock)))
            let vae = try AutoencoderKL(configuration: vaeConfiguration,
                weights: WeightSource(file: file, renamed: CheckpointKeyMap.vae(keys, blocks: vaeConfiguration.blockOutChannels.count)))
            let text = try CLIPTextModel(configuration: textConfiguration,
                weights: WeightSource(file: file, renamed: CheckpointKeyMap.textEncoder(keys, hiddenSize: textConfiguration.hiddenSize,
                                                                                        openAIPrefix: "-",
                                                                                        openCLIPPrefix: CheckpointKeyMap.refinerOpenCLIPPrefix,
                                                                                        projection: true),
                                      transposed: ["text_projection.weight"]))
            return try StableDiffusionModels(textEncoder: text, unet: unet, vae: vae, source: path)
        }
        if let textConfiguration2 {
            let unet = try UNet2DConditionModel(configuration: unetConfiguration,
                weights: WeightSource(file: file, renamed: CheckpointKeyMap.unet(keys, layersPerBlock: unetConfiguration.layersPerBlock)))
            let vae = try AutoencoderKL(configuration: vaeConfiguration,
                weights: WeightSource(file: file, renamed: CheckpointKeyMap.vae(keys, blocks: vaeConfiguration.blockOutChannels.count)))
            let text = try CLIPTextModel(configuration: textConfiguration,
                weights: WeightSource(file: file, renamed: CheckpointKeyMap.textEncoder(keys, hiddenSize: textConfiguration.hiddenSize,
                                                                                        openAIPrefix: CheckpointKeyMap.sdxlOpenAIPrefix,
                                                                                        openCLIPPrefix: "-")))
            let text2 = try CLIPTextModel(configuration: textConfiguration2,
                weights: WeightSource(file: file, renamed: CheckpointKeyMap.textEncoder(keys, hiddenSize: textConfiguration2.hiddenSize,
                                                                                        openAIPrefix: "-",
                                                                                        openCLIPPrefix: CheckpointKeyMap.sdxlOpenCLIPPrefix,
                                                                                        projection: true),
                                      transposed: ["text_projection.weight"]))
            return try StableDiffusionModels(textEncoder: text, textEncoder2: text2, unet: unet, vae: vae, source: path)
        }
        let unet = try UNet2DConditionModel(configuration: unetConfiguration,
            weights: WeightSource(file: file, renamed: CheckpointKeyMap.unet(keys, layersPerBlock: unetConfiguration.layersPerBlock)))
        let vae = try AutoencoderKL(configuration: vaeConfiguration,
            weights: WeightSource(file: file, renamed: CheckpointKeyMap.vae(keys, blocks: vaeConfiguration.blockOutChannels.count)))
        let text = try CLIPTextModel(configuration: textConfiguration,
            weights: WeightSource(file: file, renamed: CheckpointKeyMap.textEncoder(keys, hiddenSize: textConfiguration.hiddenSize)))
        return try StableDiffusionModels(textEncoder: text, unet: unet, vae: vae, source: path)
    }

    private static func inferUNet(shape: (String) -> [Int]?, keys: Set<String>, inChannels: Int, sd2: Bool,
                                  unsupported: (String) -> EngineError) throws -> UNetConfiguration {
        let u = CheckpointKeyMap.unetPrefix
        var c = UNetConfiguration()
        c.inChannels = inChannels
        c.outChannels = shape(u + "out.2.weight")?[0] ?? 4
        // Walk input_blocks: resnets until a downsampler ("op") closes a level.
        var channels: [Int] = [], cross: [Bool] = [], depth: [Int] = []
        var layers = 0, current = 0, k = 1
        while keys.contains(u + "input_blocks.\(k).0.op.weight") || shape(u + "input_blocks.\(k).0.out_layers.3.weight") != nil {
            if keys.contains(u + "input_blocks.\(k).0.op.weight") {
                layers = max(layers, current)
                current = 0
            } else {
                if current == 0, let width = shape(u + "input_blocks.\(k).0.out_layers.3.weight")?[0] {
                    channels.append(width)
                    let attention = keys.contains(u + "input_blocks.\(k).1.proj_in.weight")
                    cross.append(attention)
                    var n = 0
                    while keys.contains(u + "input_blocks.\(k).1.transformer_blocks.\(n).attn1.to_q.weight") { n += 1 }
                    depth.append(max(1, n))
                    if attention { c.useLinearProjection = shape(u + "input_blocks.\(k).1.proj_in.weight")?.count == 2 }
                }
                current += 1
            }
            k += 1
        }
        layers = max(layers, current)
        guard !channels.isEmpty, layers > 0 else { throw unsupported("its UNet blocks could not be recognised") }
        c.blockOutChannels = channels
        c.layersPerBlock = layers
        c.downBlockTypes = cross.map { $0 ? "CrossAttnDownBlock2D" : "DownBlock2D" }
        c.upBlockTypes = cross.reversed().map { $0 ? "CrossAttnUpBlock2D" : "UpBlock2D" }
        c.midBlockType = keys.contains(u + "middle_block.1.proj_in.weight") ? "UNetMidBlock2DCrossAttn" : nil
        guard let context = keys.first(where: { $0.hasPrefix(u) && $0.hasSuffix("attn2.to_k.weight") }).flatMap(shape) else {
            throw unsupported("its UNet has no cross-attention")
        }
        c.crossAttentionDim = context[1]
        c.setHeads(sd2 ? channels.map { max(1, $0 / 64) } : channels.map { _ in 8 })
        // Levels without attention take the middle block's depth: the middle block uses the last level's value
        // (diffusers' transformer_layers_per_block[-1]), and an SDXL refiner's last level has no attention.
        var midDepth = 0
        while keys.contains(u + "middle_block.1.transformer_blocks.\(midDepth).attn1.to_q.weight") { midDepth += 1 }
        c.setTransformerLayers(zip(depth, cross).map { $1 ? $0 : max(1, midDepth) })
        return c
    }

    private static func inferVAE(shape: (String) -> [Int]?, keys: Set<String>, unsupported: (String) -> EngineError) throws -> AutoencoderConfiguration {
        let v = CheckpointKeyMap.vaePrefix
        var c = AutoencoderConfiguration()
        var channels: [Int] = []
        while let width = shape(v + "encoder.down.\(channels.count).block.0.conv1.weight")?[0] { channels.append(width) }
        var layers = 0
        while keys.contains(v + "encoder.down.0.block.\(layers).conv1.weight") { layers += 1 }
        guard !channels.isEmpty, layers > 0, let latent = shape(v + "decoder.conv_in.weight")?[1],
              let image = shape(v + "encoder.conv_in.weight")?[1], let rgb = shape(v + "decoder.conv_out.weight")?[0] else {
            throw unsupported("its VAE could not be recognised")
        }
        c.blockOutChannels = channels
        c.layersPerBlock = layers
        c.latentChannels = latent
        c.inChannels = image
        c.outChannels = rgb
        c.useQuantConv = keys.contains(v + "quant_conv.weight")
        c.usePostQuantConv = keys.contains(v + "post_quant_conv.weight")
        c.midBlockAddAttention = keys.contains(v + "encoder.mid.attn_1.q.weight")
        return c
    }

    private static func inferText(shape: (String) -> [Int]?, keys: Set<String>, sd2: Bool,
                                  unsupported: (String) -> EngineError,
                                  openAIPrefix: String = CheckpointKeyMap.openAIPrefix,
                                  openCLIPPrefix: String = CheckpointKeyMap.openCLIPPrefix,
                                  dropLastLayer: Bool = true) throws -> CLIPTextConfiguration {
        var c = CLIPTextConfiguration()
        if sd2 {
            let p = openCLIPPrefix
            var layers = 0
            while keys.contains(p + "transformer.resblocks.\(layers).ln_1.weight") { layers += 1 }
            guard let embedding = shape(p + "token_embedding.weight"), let positions = shape(p + "positional_embedding"),
                  let fc1 = shape(p + "transformer.resblocks.0.mlp.c_fc.weight"), layers > (dropLastLayer ? 1 : 0) else {
                throw unsupported("its OpenCLIP text encoder could not be recognised")
            }
            (c.vocabSize, c.hiddenSize, c.maxPositionEmbeddings, c.intermediateSize) = (embedding[0], embedding[1], positions[0], fc1[0])
            // SD 2.x reads the penultimate layer, so diffusers drops the last; SDXL keeps all (pooled output).
            c.numHiddenLayers = dropLastLayer ? layers - 1 : layers
            c.hiddenAct = "gelu"
        } else {
            var p = openAIPrefix + "text_model."
            if !keys.contains(p + "embeddings.token_embedding.weight") { p = openAIPrefix }
            var layers = 0
            while keys.contains(p + "encoder.layers.\(layers).layer_norm1.weight") { layers += 1 }
            guard let embedding = shape(p + "embeddings.token_embedding.weight"),
                  let positions = shape(p + "embeddings.position_embedding.weight"),
                  let fc1 = shape(p + "encoder.layers.0.mlp.fc1.weight"), layers > 0 else {
                throw unsupported("its CLIP text encoder could not be recognised")
            }
            (c.vocabSize, c.hiddenSize, c.maxPositionEmbeddings, c.intermediateSize) = (embedding[0], embedding[1], positions[0], fc1[0])
            c.numHiddenLayers = layers
            c.hiddenAct = "quick_gelu"
        }
        c.numAttentionHeads = max(1, c.hiddenSize / 64)
        return c
    }
}
