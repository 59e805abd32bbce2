/// The keys of a diffusers `unet/config.json` the engine uses, with diffusers' defaults.
public struct UNetConfiguration: Decodable, Sendable, Equatable {
    public var inChannels = 4
    public var outChannels = 4
    public var blockOutChannels = [320, 640, 1280, 1280]
    public var downBlockTypes = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"]
    public var upBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]
    public var midBlockType: String? = "UNetMidBlock2DCrossAttn"
    public var layersPerBlock = 2
    public var crossAttentionDim = 1280
    /// Per block: diffusers' legacy `attention_head_dim` is really the number of heads.
    var attentionHeadDim = IntOrList([8])
    var numAttentionHeads: IntOrList?
    var transformerLayersPerBlock = IntOrList([1])
    public var useLinearProjection = false
    public var normNumGroups = 32
    public var normEpsilon: Float = 1e-5
    public var flipSinToCos = true
    public var freqShift = 0
    public var downsamplePadding = 1
    public var actFn = "silu"
    public var upcastAttention = false
    /// SDXL: `"text_time"` adds an embedding of the pooled text projection and the six size/crop time
    /// ids to the timestep embedding; `nil` for SD 1.x/2.x.
    public var additionEmbedType: String?
    /// SDXL: width of each time id's sinusoidal projection (256 in SDXL).
    public var additionTimeEmbedDim: Int?
    /// SDXL: input width of `add_embedding` (pooled projection + 6 × `addition_time_embed_dim`; 2816 in SDXL).
    public var projectionClassEmbeddingsInputDim: Int?
    /// Conditioning the engine does not implement; kept to reject such UNets clearly.
    var classEmbedType: String?
    var timeCondProjDim: Int?
    var encoderHidDimType: String?

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", blockOutChannels = "block_out_channels"
        case downBlockTypes = "down_block_types", upBlockTypes = "up_block_types", midBlockType = "mid_block_type"
        case layersPerBlock = "layers_per_block", crossAttentionDim = "cross_attention_dim"
        case attentionHeadDim = "attention_head_dim", numAttentionHeads = "num_attention_heads"
        case transformerLayersPerBlock = "transformer_layers_per_block"
        case useLinearProjection = "use_linear_projection", normNumGroups = "norm_num_groups"
        case normEpsilon = "norm_eps", flipSinToCos = "flip_sin_to_cos", freqShift = "freq_shift"
        case downsamplePadding = "downsample_padding", actFn = "act_fn", upcastAttention = "upcast_attention"
        case additionEmbedType = "addition_embed_type", additionTimeEmbedDim = "addition_time_embed_dim"
        case projectionClassEmbeddingsInputDim = "projection_class_embeddings_input_dim"
        case classEmbedType = "class_embed_type", timeCondProjDim = "time_cond_proj_dim"
        case encoderHidDimType = "encoder_hid_dim_type"
    }

    /// The SD 1.x defaults.
    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        inChannels = try read(.inChannels, inChannels)
        outChannels = try read(.outChannels, outChannels)
        blockOutChannels = try read(.blockOutChannels, blockOutChannels)
        downBlockTypes = try read(.downBlockTypes, downBlockTypes)
        upBlockTypes = try read(.upBlockTypes, upBlockTypes)
        midBlockType = try c.decodeIfPresent(String.self, forKey: .midBlockType) ?? (c.contains(.midBlockType) ? nil : midBlockType)
        layersPerBlock = try read(.layersPerBlock, layersPerBlock)
        crossAttentionDim = try read(.crossAttentionDim, crossAttentionDim)
        attentionHeadDim = try read(.attentionHeadDim, attentionHeadDim)
        numAttentionHeads = try c.decodeIfPresent(IntOrList.self, forKey: .numAttentionHeads)
        transformerLayersPerBlock = try read(.transformerLayersPerBlock, transformerLayersPerBlock)
        useLinearProjection = try read(.useLinearProjection, useLinearProjection)
        normNumGroups = try read(.normNumGroups, normNumGroups)
        normEpsilon = try read(.normEpsilon, normEpsilon)
        flipSinToCos = try read(.flipSinToCos, flipSinToCos)
        freqShift = try read(.freqShift, freqShift)
        downsamplePadding = try read(.downsamplePadding, downsamplePadding)
        actFn = try read(.actFn, actFn)
        upcastAttention = try read(.upcastAttention, upcastAttention)
        additionEmbedType = try c.decodeIfPresent(String.self, forKey: .additionEmbedType)
        additionTimeEmbedDim = try c.decodeIfPresent(Int.self, forKey: .additionTimeEmbedDim)
        projectionClassEmbeddingsInputDim = try c.decodeIfPresent(Int.self, forKey: .projectionClassEmbeddingsInputDim)
        classEmbedType = try c.decodeIfPresent(String.self, forKey: .classEmbedType)
        timeCondProjDim = try c.decodeIfPresent(Int.self, forKey: .timeCondProjDim)
        encoderHidDimType = try c.decodeIfPresent(String.self, forKey: .encoderHidDimType)
    }

    /// Whether the UNet takes SDXL's added conditions (pooled text projection + time ids).
    public var usesTextTimeEmbedding: Bool { additionEmbedType == "text_time" }

    /// Marks the configuration as SDXL's text-time conditioning (used when inferring from checkpoint shapes).
    public mutating func setTextTimeEmbedding(timeEmbedDim: Int, inputDim: Int) {
        additionEmbedType = "text_time"
        additionTimeEmbedDim = timeEmbedDim
        projectionClassEmbeddingsInputDim = inputDim
    }

    /// Attention heads in down block `index` (diffusers: `num_attention_heads or attention_head_dim`).
    public func heads(forBlock index: Int) -> Int {
        (numAttentionHeads ?? attentionHeadDim).value(at: index)
    }

    /// Transformer layers in each attention of down block `index`.
    public func transformerLayers(forBlock index: Int) -> Int { transformerLayersPerBlock.value(at: index) }

    /// Sets per-block head counts (used when inferring a configuration from checkpoint shapes).
    public mutating func setHeads(_ heads: [Int]) { attentionHeadDim = IntOrList(heads); numAttentionHeads = nil }

    /// Sets per-block transformer depth.
    public mutating func setTransformerLayers(_ layers: [Int]) { transformerLayersPerBlock = IntOrList(layers) }

    /// Checks the values a forward pass relies on.
    func validate(path: String) throws {
        let blocks = blockOutChannels.count
        guard blocks > 0, downBlockTypes.count == blocks, upBlockTypes.count == blocks else {
            throw EngineError.badConfig(path, "block_out_channels, down_block_types and up_block_types must have the same non-zero length")
        }
        guard blockOutChannels.allSatisfy({ $0 > 0 && $0 % normNumGroups == 0 }), layersPerBlock > 0 else {
            throw EngineError.badConfig(path, "every block_out_channels value must be a positive multiple of norm_num_groups (\(normNumGroups))")
        }
        for i in 0..<blocks where blockOutChannels[i] % max(1, heads(forBlock: i)) != 0 || heads(forBlock: i) < 1 {
            throw EngineError.badConfig(path, "block \(i): \(blockOutChannels[i]) channels do not split into \(heads(forBlock: i)) heads")
        }
        let known = ["CrossAttnDownBlock2D", "DownBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"]
        for type in downBlockTypes + upBlockTypes where !known.contains(type) {
            throw EngineError.badConfig(path, "block type \(type) is not supported")
        }
        if let type = additionEmbedType {
            guard type == "text_time" else {
                throw EngineError.badConfig(path, "addition_embed_type \(type) is not supported (only SDXL's text_time)")
            }
            guard let dim = additionTimeEmbedDim, dim > 0, dim % 2 == 0,
                  let input = projectionClassEmbeddingsInputDim, input > 6 * dim else {
                throw EngineError.badConfig(path, "addition_embed_type text_time needs an even addition_time_embed_dim and a projection_class_embeddings_input_dim wider than 6 of them")
            }
        }
        if let type = classEmbedType {
            throw EngineError.badConfig(path, "class_embed_type \(type) is not supported (class-conditioned UNets such as upscalers)")
        }
        if timeCondProjDim != nil {
            throw EngineError.badConfig(path, "time_cond_proj_dim (guidance-embedded LCM UNets) is not supported; use an LCM-LoRA or a plain LCM checkpoint")
        }
        if let type = encoderHidDimType {
            throw EngineError.badConfig(path, "encoder_hid_dim_type \(type) is not supported")
        }
        if let mid = midBlockType, mid != "UNetMidBlock2DCrossAttn" {
            throw EngineError.badConfig(path, "mid_block_type \(mid) is not supported")
        }
    }
}
