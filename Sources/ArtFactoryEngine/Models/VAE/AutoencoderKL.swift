import Foundation

/// Stable Diffusion's variational autoencoder (diffusers' `AutoencoderKL`), configured from
/// `vae/config.json`: images `[B, 3, H, W]` in [-1, 1] ⇄ latents `[B, 4, H/8, W/8]`.
public struct AutoencoderKL: LatentAutoencoding {
    /// The configuration the weights were loaded for.
    public let configuration: AutoencoderConfiguration
    let encoder: VAEEncoder
    let decoder: VAEDecoder
    let quantConv: Conv2d?
    let postQuantConv: Conv2d?

    public var scalingFactor: Float { configuration.scalingFactor }
    public var downsampleFactor: Int { configuration.downsampleFactor }
    public var latentChannels: Int { configuration.latentChannels }

    /// Loads a diffusers `vae/` folder (`config.json` + `diffusion_pytorch_model.safetensors`).
    /// - Throws: `EngineError` for a missing or invalid config, weights file or weight.
    public init(directory: String) throws {
        let configPath = (directory as NSString).appendingPathComponent("config.json")
        let configuration = try ConfigFile.load(AutoencoderConfiguration.self, path: configPath, what: "The VAE's config.json")
        let file = try SafeTensorsFile(path: try ComponentFiles.weightsPath(in: directory, names: ["diffusion_pytorch_model", "model"]))
        try self.init(configuration: configuration, weights: WeightSource(files: [file]))
    }

    /// Builds the model from weights named as in diffusers.
    public init(configuration c: AutoencoderConfiguration, weights w: WeightSource) throws {
        try c.validate(path: w.path)
        configuration = c
        encoder = try VAEEncoder(w.scoped("encoder"), configuration: c)
        decoder = try VAEDecoder(w.scoped("decoder"), configuration: c)
        let latents = c.latentChannels
        quantConv = c.useQuantConv ? try Conv2d(w, "quant_conv", in: 2 * latents, out: 2 * latents, kernel: 1) : nil
        postQuantConv = c.usePostQuantConv ? try Conv2d(w, "post_quant_conv", in: latents, out: latents, kernel: 1) : nil
    }

    /// Bytes of f32 parameters held in memory.
    public var byteCount: Int {
        encoder.byteCount + decoder.byteCount + (quantConv?.byteCount ?? 0) + (postQuantConv?.byteCount ?? 0)
    }

    public func encode(image: Tensor) throws -> (mean: Tensor, logVariance: Tensor) {
        let f = downsampleFactor
        guard image.rank == 4, image.shape[1] == configuration.inChannels, image.shape[0] > 0,
              image.shape[2] >= f, image.shape[3] >= f, image.shape[2] % f == 0, image.shape[3] % f == 0 else {
            throw EngineError.badInput("the VAE encodes images [batch, \(configuration.inChannels), H, W] with H and W multiples of \(f), got \(image.shape)")
        }
        var moments = encoder(image)
        if let quantConv { moments = quantConv(moments) }
        let n = moments.shape[0], c = latentChannels, plane = moments.shape[2] * moments.shape[3]
        var mean = Tensor(shape: [n, c, moments.shape[2], moments.shape[3]])
        var logVariance = mean
        for b in 0..<n {
            let src = b * 2 * c * plane, dst = b * c * plane
            mean.data.replaceSubrange(dst..<(dst + c * plane), with: moments.data[src..<(src + c * plane)])
            logVariance.data.replaceSubrange(dst..<(dst + c * plane),
                                             with: moments.data[(src + c * plane)..<(src + 2 * c * plane)].map { min(20, max(-30, $0)) })
        }
        return (mean, logVariance)
    }

    public func decode(latents: Tensor) throws -> Tensor {
        guard latents.rank == 4, latents.shape[1] == latentChannels, latents.shape[0] > 0,
              latents.shape[2] > 0, latents.shape[3] > 0 else {
            throw EngineError.badInput("the VAE decodes latents [batch, \(latentChannels), h, w], got \(latents.shape)")
        }
        return decoder(postQuantConv.map { $0(latents) } ?? latents)
    }
}
