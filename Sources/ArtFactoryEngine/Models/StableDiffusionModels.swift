import Foundation

/// The three networks of one Stable Diffusion checkpoint, loaded and checked to fit together.
public struct StableDiffusionModels: Sendable {
    /// Which family the checkpoint belongs to, inferred from its configuration.
    public enum Variant: String, Sendable, Equatable {
        case sd1, sd2, sd1Inpainting, sd2Inpainting
        /// Whether the UNet takes the 9-channel inpainting input.
        public var isInpainting: Bool { self == .sd1Inpainting || self == .sd2Inpainting }
    }

    public let textEncoder: CLIPTextModel
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL
    /// The folder or file the weights came from.
    public let source: String

    /// Bundles the networks. - Throws: `EngineError` (`weights.mismatch`) when they do not fit together.
    public init(textEncoder: CLIPTextModel, unet: UNet2DConditionModel, vae: AutoencoderKL, source: String) throws {
        guard textEncoder.hiddenSize == unet.configuration.crossAttentionDim else {
            throw EngineError.weightMismatch(source, "The text encoder's width \(textEncoder.hiddenSize) does not match the UNet's cross_attention_dim \(unet.configuration.crossAttentionDim)")
        }
        let expectedIn = vae.latentChannels + (unet.inChannels == 2 * vae.latentChannels + 1 ? vae.latentChannels + 1 : 0)
        guard unet.inChannels == expectedIn, unet.outChannels == vae.latentChannels else {
            throw EngineError.weightMismatch(source, "The UNet's \(unet.inChannels) input channels do not fit the VAE's \(vae.latentChannels) latent channels")
        }
        self.textEncoder = textEncoder
        self.unet = unet
        self.vae = vae
        self.source = source
    }

    /// SD 1.x uses quick-GELU OpenAI CLIP; SD 2.x uses GELU OpenCLIP with linear projections.
    public var variant: Variant {
        let sd2 = unet.configuration.useLinearProjection || textEncoder.configuration.hiddenAct == "gelu"
        let inpainting = unet.inChannels == 2 * vae.latentChannels + 1
        switch (sd2, inpainting) {
        case (false, false): return .sd1
        case (false, true): return .sd1Inpainting
        case (true, false): return .sd2
        case (true, true): return .sd2Inpainting
        }
    }

    /// Bytes of f32 weights held in memory by all three networks.
    public var byteCount: Int { textEncoder.byteCount + unet.byteCount + vae.byteCount }

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
