/// The keys of a diffusers `AutoencoderTiny` `config.json` (TAESD / TAESDXL) the engine uses.
public struct TinyAutoencoderConfiguration: Decodable, Sendable, Equatable {
    public var inChannels = 3
    public var outChannels = 3
    public var latentChannels = 4
    public var encoderBlockOutChannels = [64, 64, 64, 64]
    public var decoderBlockOutChannels = [64, 64, 64, 64]
    public var numEncoderBlocks = [1, 3, 3, 3]
    public var numDecoderBlocks = [3, 3, 3, 1]
    public var upsamplingScalingFactor = 2
    public var actFn = "relu"
    public var upsampleFn = "nearest"
    /// 1.0 for TAESD: it works on the denoiser's (already scaled) latents.
    public var scalingFactor: Float = 1

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", latentChannels = "latent_channels"
        case encoderBlockOutChannels = "encoder_block_out_channels", decoderBlockOutChannels = "decoder_block_out_channels"
        case numEncoderBlocks = "num_encoder_blocks", numDecoderBlocks = "num_decoder_blocks"
        case upsamplingScalingFactor = "upsampling_scaling_factor", actFn = "act_fn", upsampleFn = "upsample_fn"
        case scalingFactor = "scaling_factor"
    }

    /// TAESD's published defaults (madebyollin/taesd, taesdxl).
    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        inChannels = try read(.inChannels, inChannels)
        outChannels = try read(.outChannels, outChannels)
        latentChannels = try read(.latentChannels, latentChannels)
        encoderBlockOutChannels = try read(.encoderBlockOutChannels, encoderBlockOutChannels)
        decoderBlockOutChannels = try read(.decoderBlockOutChannels, decoderBlockOutChannels)
        numEncoderBlocks = try read(.numEncoderBlocks, numEncoderBlocks)
        numDecoderBlocks = try read(.numDecoderBlocks, numDecoderBlocks)
        upsamplingScalingFactor = try read(.upsamplingScalingFactor, upsamplingScalingFactor)
        actFn = try read(.actFn, actFn)
        upsampleFn = try read(.upsampleFn, upsampleFn)
        scalingFactor = try read(.scalingFactor, scalingFactor)
    }

    /// Spatial reduction: one 2x step between consecutive levels (8 for TAESD).
    public var downsampleFactor: Int { 1 << max(0, numDecoderBlocks.count - 1) }

    func validate(path: String) throws {
        guard !numDecoderBlocks.isEmpty, numDecoderBlocks.count == decoderBlockOutChannels.count,
              numEncoderBlocks.count == encoderBlockOutChannels.count, !numEncoderBlocks.isEmpty else {
            throw EngineError.badConfig(path, "num_*_blocks and *_block_out_channels must have the same non-zero length")
        }
        guard Set(encoderBlockOutChannels).count == 1, Set(decoderBlockOutChannels).count == 1 else {
            throw EngineError.badConfig(path, "AutoencoderTiny needs one width per coder (as TAESD has)")
        }
        guard actFn == "relu", upsampleFn == "nearest", upsamplingScalingFactor == 2 else {
            throw EngineError.badConfig(path, "only TAESD's relu activation and nearest 2x upsampling are supported")
        }
        guard scalingFactor > 0, scalingFactor.isFinite else {
            throw EngineError.badConfig(path, "scaling_factor must be positive")
        }
    }
}
