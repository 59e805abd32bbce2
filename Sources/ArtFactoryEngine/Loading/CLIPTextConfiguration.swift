/// The keys of a transformers `text_encoder/config.json` (CLIPTextConfig) the engine uses.
public struct CLIPTextConfiguration: Decodable, Sendable, Equatable {
    public var vocabSize = 49408
    public var hiddenSize = 768
    public var intermediateSize = 3072
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var maxPositionEmbeddings = 77
    public var hiddenAct = "quick_gelu"
    public var layerNormEpsilon: Float = 1e-5
    /// Width of `text_projection` (CLIPTextModelWithProjection); transformers writes it for every text
    /// config, so whether a projection exists is decided by the weights.
    public var projectionDim: Int?

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings", hiddenAct = "hidden_act"
        case layerNormEpsilon = "layer_norm_eps", projectionDim = "projection_dim"
    }

    /// The SD 1.x (OpenAI CLIP ViT-L/14) defaults.
    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        vocabSize = try read(.vocabSize, vocabSize)
        hiddenSize = try read(.hiddenSize, hiddenSize)
        intermediateSize = try read(.intermediateSize, intermediateSize)
        numHiddenLayers = try read(.numHiddenLayers, numHiddenLayers)
        numAttentionHeads = try read(.numAttentionHeads, numAttentionHeads)
        maxPositionEmbeddings = try read(.maxPositionEmbeddings, maxPositionEmbeddings)
        hiddenAct = try read(.hiddenAct, hiddenAct)
        layerNormEpsilon = try read(.layerNormEpsilon, layerNormEpsilon)
        projectionDim = try c.decodeIfPresent(Int.self, forKey: .projectionDim)
    }

    func validate(path: String) throws {
        guard hiddenSize > 0, numAttentionHeads > 0, hiddenSize % numAttentionHeads == 0, numHiddenLayers > 0,
              vocabSize > 0, maxPositionEmbeddings > 0 else {
            throw EngineError.badConfig(path, "hidden_size must be a positive multiple of num_attention_heads")
        }
        guard ["quick_gelu", "gelu"].contains(hiddenAct) else {
            throw EngineError.badConfig(path, "hidden_act \(hiddenAct) is not supported (quick_gelu or gelu)")
        }
    }
}
