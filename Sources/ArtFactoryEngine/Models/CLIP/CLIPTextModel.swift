import Foundation

/// CLIP's text transformer (transformers' `CLIPTextModel`): token + position embeddings, a stack of
/// causal pre-norm layers and a final layer norm. SD 1.x uses OpenAI's ViT-L/14 text tower, SD 2.x
/// OpenCLIP's ViT-H/14 one; both are described by `config.json`.
public struct CLIPTextModel: TextEncoding {
    /// The configuration the weights were loaded for.
    public let configuration: CLIPTextConfiguration
    let tokenEmbedding: [Float]
    let positionEmbedding: [Float]
    var layers: [CLIPEncoderLayer]
    let finalLayerNorm: LayerNorm

    public var hiddenSize: Int { configuration.hiddenSize }

    /// Loads a diffusers `text_encoder/` folder (`config.json` + `model.safetensors`).
    /// - Throws: `EngineError` for a missing or invalid config, weights file or weight.
    public init(directory: String) throws {
        let configPath = (directory as NSString).appendingPathComponent("config.json")
        let configuration = try ConfigFile.load(CLIPTextConfiguration.self, path: configPath, what: "The text encoder's config.json")
        let file = try SafeTensorsFile(path: try ComponentFiles.weightsPath(in: directory, names: ["model"]))
        try self.init(configuration: configuration, weights: WeightSource(files: [file]))
    }

    /// Builds the model from weights named as in transformers (`text_model.` prefix optional).
    public init(configuration: CLIPTextConfiguration, weights: WeightSource) throws {
        try configuration.validate(path: weights.path)
        self.configuration = configuration
        let w = weights.strippingPrefix("text_model.")
        let h = configuration.hiddenSize
        tokenEmbedding = try w.values("embeddings.token_embedding.weight", shape: [configuration.vocabSize, h])
        positionEmbedding = try w.values("embeddings.position_embedding.weight", shape: [configuration.maxPositionEmbeddings, h])
        layers = try (0..<configuration.numHiddenLayers).map {
            try CLIPEncoderLayer(w.scoped("encoder.layers.\($0)"), configuration: configuration)
        }
        finalLayerNorm = try LayerNorm(w, "final_layer_norm", width: h, epsilon: configuration.layerNormEpsilon)
    }

    /// Bytes of f32 parameters held in memory.
    public var byteCount: Int {
        (tokenEmbedding.count + positionEmbedding.count) * 4 + layers.reduce(0) { $0 + $1.byteCount } + finalLayerNorm.byteCount
    }

    public func encode(tokenIDs: [[Int32]], clipSkip: Int) throws -> Tensor {
        guard let length = tokenIDs.first?.count, length > 0, tokenIDs.allSatisfy({ $0.count == length }) else {
            throw EngineError.badInput("token rows must be non-empty and of equal length")
        }
        guard length <= configuration.maxPositionEmbeddings else {
            throw EngineError.badInput("\(length) tokens exceed the text encoder's window of \(configuration.maxPositionEmbeddings)")
        }
        guard clipSkip >= 1, clipSkip <= layers.count + 1 else {
            throw EngineError.badInput("clip skip \(clipSkip) must be between 1 and \(layers.count + 1)")
        }
        let h = configuration.hiddenSize
        var x = Tensor(shape: [tokenIDs.count, length, h])
        try x.data.withUnsafeMutableBufferPointer { xp in
            try tokenEmbedding.withUnsafeBufferPointer { tp in
                try positionEmbedding.withUnsafeBufferPointer { pp in
                    for (b, row) in tokenIDs.enumerated() {
                        for (t, id) in row.enumerated() {
                            let token = Int(id)
                            guard token >= 0, token < configuration.vocabSize else {
                                throw EngineError.badInput("token id \(id) is outside the vocabulary of \(configuration.vocabSize)")
                            }
                            let dst = (b * length + t) * h
                            for j in 0..<h { xp[dst + j] = tp[token * h + j] + pp[t * h + j] }
                        }
                    }
                }
            }
        }
        for layer in layers.prefix(layers.count - (clipSkip - 1)) {
            x = try layer(x)
        }
        return finalLayerNorm(x)
    }
}
