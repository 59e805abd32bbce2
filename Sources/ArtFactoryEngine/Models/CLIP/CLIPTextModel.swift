import Foundation

/// CLIP's text transformer (transformers' `CLIPTextModel`): token + position embeddings, a stack of
/// causal pre-norm layers and a final layer norm. SD 1.x uses OpenAI's ViT-L/14 text tower, SD 2.x
/// OpenCLIP's ViT-H/14 one; both are described by `config.json`.
public struct CLIPTextModel: TextEncoding {
    /// The configuration the weights were loaded for.
    public let configuration: CLIPTextConfiguration
    /// Held like a layer weight (the file's f16/bf16 stays 16-bit: 49408 × 768 is 145 MiB in f32); rows are
    /// widened as tokens look them up.
    let tokenEmbedding: WeightMatrix
    let positionEmbedding: [Float]
    var layers: [CLIPEncoderLayer]
    let finalLayerNorm: LayerNorm
    /// CLIPTextModelWithProjection's `text_projection` (no bias), loaded when the weights have it.
    let textProjection: Linear?

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
        tokenEmbedding = try w.matrix("embeddings.token_embedding.weight", shape: [configuration.vocabSize, h])
        positionEmbedding = try w.values("embeddings.position_embedding.weight", shape: [configuration.maxPositionEmbeddings, h])
        layers = try (0..<configuration.numHiddenLayers).map {
            try CLIPEncoderLayer(w.scoped("encoder.layers.\($0)"), configuration: configuration)
        }
        finalLayerNorm = try LayerNorm(w, "final_layer_norm", width: h, epsilon: configuration.layerNormEpsilon)
        // transformers writes projection_dim into every CLIPTextConfig, so the weight decides.
        if let shape = w.shape(of: "text_projection.weight"), shape.count == 2 {
            textProjection = try Linear(w, "text_projection", in: h, out: shape[0], bias: false)
        } else {
            textProjection = nil
        }
    }

    /// Width of the pooled projection, or `nil` without `text_projection`.
    public var projectionSize: Int? { textProjection?.outFeatures }

    /// Bytes of parameters held in memory.
    public var byteCount: Int {
        tokenEmbedding.byteCount + positionEmbedding.count * 4 + layers.reduce(0) { $0 + $1.byteCount } + finalLayerNorm.byteCount
            + (textProjection?.byteCount ?? 0)
    }

    public func encode(tokenIDs: [[Int32]], clipSkip: Int) throws -> Tensor {
        var x = try embed(tokenIDs, clipSkip: clipSkip)
        for layer in layers.prefix(layers.count - (clipSkip - 1)) {
            x = try layer(x)
        }
        return finalLayerNorm(x)
    }

    /// SDXL's use of the encoder (diffusers' `StableDiffusionXLPipeline.encode_prompt`): the hidden
    /// states `clipSkip` layers before the last *without* the final layer norm (`hidden_states[-2]` for
    /// clip skip 1), and, with `text_projection`, the pooled output: the final-layer-normed last hidden
    /// state at each row's end token (the first occurrence of the row's largest id, `<|endoftext|>`),
    /// projected.
    /// - Returns: hidden states `[rows, tokens, hiddenSize]` and pooled `[rows, projectionSize]` (nil
    ///   without a projection).
    public func encodePenultimate(tokenIDs: [[Int32]], clipSkip: Int) throws -> (hiddenStates: Tensor, pooled: Tensor?) {
        guard clipSkip >= 1, clipSkip < layers.count + 1 else {
            throw EngineError.badInput("clip skip \(clipSkip) must be between 1 and \(layers.count)")
        }
        var x = try embed(tokenIDs, clipSkip: 1)
        let keep = layers.count - clipSkip
        var penultimate = x
        for (i, layer) in layers.enumerated() {
            if i == keep { penultimate = x; if textProjection == nil { break } }
            x = try layer(x)
        }
        guard let textProjection else { return (penultimate, nil) }
        let h = configuration.hiddenSize, length = tokenIDs[0].count
        let normed = finalLayerNorm(x)
        var pooledInput = Tensor(shape: [tokenIDs.count, h])
        for (b, row) in tokenIDs.enumerated() {
            var end = 0
            for (t, id) in row.enumerated() where id > row[end] { end = t }
            let src = (b * length + end) * h
            pooledInput.data.replaceSubrange((b * h)..<((b + 1) * h), with: normed.data[src..<(src + h)])
        }
        return (penultimate, textProjection(pooledInput))
    }

    /// Token + position embeddings `[rows, tokens, hidden]` after checking the ids.
    private func embed(_ tokenIDs: [[Int32]], clipSkip: Int) throws -> Tensor {
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
            try positionEmbedding.withUnsafeBufferPointer { pp in
                for (b, row) in tokenIDs.enumerated() {
                    for (t, id) in row.enumerated() {
                        let token = Int(id)
                        guard token >= 0, token < configuration.vocabSize else {
                            throw EngineError.badInput("token id \(id) is outside the vocabulary of \(configuration.vocabSize)")
                        }
                        let dst = (b * length + t) * h
                        tokenEmbedding.withFloats(token * h ..< (token + 1) * h) { tp in
                            for j in 0..<h { xp[dst + j] = tp[j] + pp[t * h + j] }
                        }
                    }
                }
            }
        }
        return x
    }
}
