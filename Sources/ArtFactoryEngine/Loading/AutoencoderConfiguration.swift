/// The keys of a diffusers `vae/config.json` the engine uses, with diffusers' defaults.
public struct AutoencoderConfiguration: Decodable, Sendable, Equatable {
    public var inChannels = 3
    public var outChannels = 3
    public var latentChannels = 4
    public var blockOutChannels = [128, 256, 512, 512]
    public var layersPerBlock = 2
    public var normNumGroups = 32
    public var scalingFactor: Float = 0.18215
    public var midBlockAddAttention = true
    public var useQuantConv = true
    public var usePostQuantConv = true

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", latentChannels = "latent_channels"
        case blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block"
        case normNumGroups = "norm_num_groups", scalingFactor = "scaling_factor"
        case midBlockAddAttention = "mid_block_add_attention", useQuantConv = "use_quant_conv"
        case usePostQuantConv = "use_post_quant_conv"
    }

    /// The SD 1.x/2.x defaults.
    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        inChannels = try read(.inChannels, inChannels)
        outChannels = try read(.outChannels, outChannels)
        latentChannels = try read(.latentChannels, latentChannels)
        blockOutChannels = try read(.blockOutChannels, blockOutChannels)
        layersPerBlock = try read(.layersPerBlock, layersPerBlock)
        normNumGroups = try read(.normNumGroups, normNumGroups)
        scalingFactor = try read(.scalingFactor, scalingFactor)
        midBlockAddAttention = try read(.midBlockAddAttention, midBlockAddAttention)
        useQuantConv = try read(.useQuantConv, useQuantConv)
        usePostQuantConv = try read(.usePostQuantConv, usePostQuantConv)
    }

    /// Spatial reduction: one 2x downsample between consecutive blocks.
    public var downsampleFactor: Int { 1 << max(0, blockOutChannels.count - 1) }

    func validate(path: String) throws {
        guard !blockOutChannels.isEmpty, layersPerBlock > 0, normNumGroups > 0,
              blockOutChannels.allSatisfy({ $0 > 0 && $0 % normNumGroups == 0 }) else {
            throw EngineError.badConfig(path, "block_out_channels must be non-empty multiples of norm_num_groups")
        }
    }
}
