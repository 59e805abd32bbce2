import Foundation

/// The networks of one Stable Diffusion checkpoint (SDXL: with a second text encoder), loaded and
/// checked to fit together.
public struct StableDiffusionModels: Sendable {
    /// Which family the checkpoint belongs to, inferred from its configuration.
    public enum Variant: String, Sendable, Equatable {
        case sd1, sd2, sd1Inpainting, sd2Inpainting
        /// SDXL base: two text encoders, added text-time conditioning.
        case sdxl
        /// SDXL refiner: one OpenCLIP text encoder (with projection, in `textEncoder`) and added
        /// conditioning of five time ids (original size, crop, aesthetic score); a second stage.
        case sdxlRefiner
        /// Whether the UNet takes the 9-channel inpainting input.
        public var isInpainting: Bool { self == .sd1Inpainting || self == .sd2Inpainting }
    }

    public let textEncoder: CLIPTextModel
    /// SDXL's second text encoder (CLIPTextModelWithProjection, OpenCLIP ViT-bigG in SDXL); nil otherwise.
    public let textEncoder2: CLIPTextModel?
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL
    /// The folder or file the weights came from.
    public let source: String

    /// Bundles the networks. - Throws: `EngineError` (`weights.mismatch`) when they do not fit together.
    public init(textEncoder: CLIPTextModel, textEncoder2: CLIPTextModel? = nil, unet: UNet2DConditionModel,
                vae: AutoencoderKL, source: String) throws {
        let width = textEncoder.hiddenSize + (textEncoder2?.hiddenSize ?? 0)
        guard width == unet.configuration.crossAttentionDim else {
            throw EngineError.weightMismatch(source, "The text encoder\(textEncoder2 == nil ? "'s width" : "s' combined width") \(width) does not match the UNet's cross_attention_dim \(unet.configuration.crossAttentionDim)")
        }
        if let textEncoder2 {
            guard let pooled = textEncoder2.projectionSize else {
                throw EngineError.weightMismatch(source, "SDXL's second text encoder has no text_projection (it must be a CLIPTextModelWithProjection)")
            }
            guard let inputs = unet.addedConditionInputs, let timeDim = unet.configuration.additionTimeEmbedDim,
                  inputs == pooled + 6 * timeDim else {
                throw EngineError.weightMismatch(source, "The UNet's added conditioning (projection_class_embeddings_input_dim \(unet.addedConditionInputs.map(String.init) ?? "none")) does not take the \(pooled)-wide pooled projection and 6 time ids; is this an SDXL base UNet?")
            }
        } else if let inputs = unet.addedConditionInputs {
            // One encoder and added conditioning: an SDXL refiner, whose only encoder has the projection
            // and whose time ids are five (original size, crop, aesthetic score).
            guard let pooled = textEncoder.projectionSize, let timeDim = unet.configuration.additionTimeEmbedDim,
                  inputs == pooled + 5 * timeDim else {
                throw EngineError.weightMismatch(source, "The UNet is an SDXL UNet (text_time conditioning, projection_class_embeddings_input_dim \(inputs)) but there is no second text encoder, and it is not a refiner's (one projected encoder and 5 time ids)")
            }
        }
        let expectedIn = vae.latentChannels + (unet.inChannels == 2 * vae.latentChannels + 1 ? vae.latentChannels + 1 : 0)
        guard unet.inChannels == expectedIn, unet.outChannels == vae.latentChannels else {
            throw EngineError.weightMismatch(source, "The UNet's \(unet.inChannels) input channels do not fit the VAE's \(vae.latentChannels) latent channels")
        }
        self.textEncoder = textEncoder
        self.textEncoder2 = textEncoder2
        self.unet = unet
        self.vae = vae
        self.source = source
    }

    /// SD 1.x uses quick-GELU OpenAI CLIP; SD 2.x uses GELU OpenCLIP with linear projections.
    public var variant: Variant {
        if textEncoder2 != nil { return .sdxl }
        if unet.addedConditionInputs != nil { return .sdxlRefiner }
        let sd2 = unet.configuration.useLinearProjection || textEncoder.configuration.hiddenAct == "gelu"
        let inpainting = unet.inChannels == 2 * vae.latentChannels + 1
        switch (sd2, inpainting) {
        case (false, false): return .sd1
        case (false, true): return .sd1Inpainting
        case (true, false): return .sd2
        case (true, true): return .sd2Inpainting
        }
    }

    /// Bytes of f32 weights held in memory by all networks.
    public var byteCount: Int { textEncoder.byteCount + (textEncoder2?.byteCount ?? 0) + unet.byteCount + vae.byteCount }

    /// Loads a diffusers folder or a single-file checkpoint (`.safetensors`).
    /// - Throws: `EngineError` describing what is missing, damaged or unsupported.
    public static func load(from path: String) throws -> StableDiffusionModels {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EngineError.missingFile(path, what: "The model")
        }
        if isDirectory.boolValue {
            return try DiffusersPipelineFolder(path: path).loadModels()
        }
        return try SingleFileCheckpoint(path: path).loadModels()
    }
}
