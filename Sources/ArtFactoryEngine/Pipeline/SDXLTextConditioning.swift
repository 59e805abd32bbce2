/// A text encoder as SDXL uses it: un-normed hidden states from before the last layer, plus (for the
/// second encoder) the pooled projection. `CLIPTextModel` conforms.
public protocol PenultimateTextEncoding: Sendable {
    /// Width of one token's hidden state.
    var hiddenSize: Int { get }
    /// Width of the pooled projection, or nil without one.
    var projectionSize: Int? { get }
    /// See `CLIPTextModel.encodePenultimate(tokenIDs:clipSkip:)`.
    func encodePenultimate(tokenIDs: [[Int32]], clipSkip: Int) throws -> (hiddenStates: Tensor, pooled: Tensor?)
}

extension CLIPTextModel: PenultimateTextEncoding {}

/// What an SDXL pipeline adds to Stable Diffusion's: a second tokenizer and text encoder (OpenCLIP
/// ViT-bigG with a projection), both encoders seen as `PenultimateTextEncoding`, and
/// `force_zeros_for_empty_prompt` from `model_index.json`. An SDXL refiner has only the second
/// encoder (`textEncoder` nil) and conditions on an aesthetic score instead of the target size.
public struct SDXLTextConditioning: Sendable {
    /// The first encoder (CLIP ViT-L in SDXL), the same model as the pipeline's `textEncoder`; nil for
    /// a refiner.
    public internal(set) var textEncoder: (any PenultimateTextEncoding)?
    /// The second tokenizer (pads with `!` in SDXL).
    public let tokenizer2: CLIPTokenizer
    /// The second encoder; must have a projection (its pooled output becomes `text_embeds`).
    public internal(set) var textEncoder2: any PenultimateTextEncoding
    /// An empty negative prompt becomes zero embeddings (diffusers' default for SDXL base).
    public let forceZerosForEmptyPrompt: Bool
    /// `requires_aesthetics_score`: time ids are (original size, crop, aesthetic score), five, not six.
    public let requiresAestheticsScore: Bool
    /// Whether this is a refiner's conditioning (the second encoder alone).
    public var isRefiner: Bool { textEncoder == nil }

    public init(textEncoder: (any PenultimateTextEncoding)?, tokenizer2: CLIPTokenizer,
                textEncoder2: any PenultimateTextEncoding, forceZerosForEmptyPrompt: Bool,
                requiresAestheticsScore: Bool = false) {
        self.textEncoder = textEncoder
        self.tokenizer2 = tokenizer2
        self.textEncoder2 = textEncoder2
        self.forceZerosForEmptyPrompt = forceZerosForEmptyPrompt
        self.requiresAestheticsScore = requiresAestheticsScore
    }
}

extension StableDiffusionPipeline {
    /// SDXL prompt encoding (diffusers' `StableDiffusionXLPipeline.encode_prompt` and `_get_add_time_ids`):
    /// per encoder the hidden states before the last `clipSkip` layers (no final layer norm), the two
    /// concatenated along the feature axis; the second encoder's pooled projection (of the first
    /// 75-token window) as `text_embeds`; time ids `(height, width, 0, 0, height, width)`, or for a
    /// refiner (`requires_aesthetics_score`) `(height, width, 0, 0, score)` with the negative row's own
    /// score (diffusers' `StableDiffusionXLImg2ImgPipeline._get_add_time_ids`). With guidance the
    /// rows are `[negative, positive]`; an empty negative prompt is zeros when the model says
    /// `force_zeros_for_empty_prompt` (as diffusers does for `negative_prompt=None`). Emphasis and
    /// windows longer than 75 tokens work as for SD 1.x/2.x, per encoder. A refiner uses its one encoder.
    func encodeXLPrompts(_ r: GenerationRequest, guided: Bool, xl: SDXLTextConditioning) throws -> (Tensor, AddedConditions) {
        let zeroNegative = guided && xl.forceZerosForEmptyPrompt && r.negativePrompt.isEmpty
        func windowCount(_ text: String) -> Int {
            max(xl.isRefiner ? 1 : tokenizer.weightedWindows(text).windows.count, xl.tokenizer2.weightedWindows(text).windows.count)
        }
        var windows = windowCount(r.prompt)
        if guided && !zeroNegative { windows = max(windows, windowCount(r.negativePrompt)) }
        let positive = try encodeXL(r.prompt, windows: windows, clipSkip: r.clipSkip, xl: xl)
        var contexts = [positive.context], pooled = [positive.pooled]
        if guided {
            if zeroNegative {
                contexts.insert(Tensor(shape: positive.context.shape), at: 0)
                pooled.insert(Tensor(shape: positive.pooled.shape), at: 0)
            } else {
                let negative = try encodeXL(r.negativePrompt, windows: windows, clipSkip: r.clipSkip, xl: xl)
                contexts.insert(negative.context, at: 0)
                pooled.insert(negative.pooled, at: 0)
            }
        }
        let size: [Float] = [Float(r.height), Float(r.width), 0, 0]
        let positiveIDs = size + (xl.requiresAestheticsScore ? [Float(r.aestheticScore)] : [Float(r.height), Float(r.width)])
        let negativeIDs = size + (xl.requiresAestheticsScore ? [Float(r.negativeAestheticScore)] : [Float(r.height), Float(r.width)])
        let rows = contexts.count
        let timeIDs = Tensor(shape: [rows, positiveIDs.count], data: guided ? negativeIDs + positiveIDs : positiveIDs)
        return (try Tensor.concatenate(batch: contexts),
                AddedConditions(textEmbeds: try Tensor.concatenate(batch: pooled), timeIDs: timeIDs))
    }

    /// `[1, 77 × windows, h1 + h2]` hidden states and `[1, P]` pooled projection for one prompt.
    private func encodeXL(_ text: String, windows: Int, clipSkip: Int, xl: SDXLTextConditioning)
        throws -> (context: Tensor, pooled: Tensor) {
        let tokens = tokenizer.maxLength
        guard xl.tokenizer2.maxLength == tokens else {
            throw EngineError.badRequest("the two SDXL tokenizers have different windows (\(tokens) and \(xl.tokenizer2.maxLength) tokens)")
        }
        let second = xl.tokenizer2.weightedWindows(text, minimumWindows: windows)
        let prompts = xl.textEncoder == nil ? [second] : [tokenizer.weightedWindows(text, minimumWindows: windows), second]
        let encoders: [any PenultimateTextEncoding] = [xl.textEncoder, xl.textEncoder2].compactMap { $0 }
        var parts: [[Float]] = []
        var pooled: Tensor?
        for (prompt, encoder) in zip(prompts, encoders) {
            let (hiddenStates, projection) = try encoder.encodePenultimate(tokenIDs: prompt.windows, clipSkip: clipSkip)
            let expected = [prompt.windows.count, tokens, encoder.hiddenSize]
            guard hiddenStates.shape == expected else {
                throw EngineError.modelShape("Text encoder output", expected: expected, got: hiddenStates.shape)
            }
            var data = hiddenStates.data
            if prompt.hasEmphasis { Self.applyEmphasis(&data, prompt: prompt, tokens: tokens, hidden: encoder.hiddenSize) }
            parts.append(data)
            if let projection { pooled = projection.slice(batch: 0, count: 1) }
        }
        guard prompts.allSatisfy({ $0.windows.count == prompts[0].windows.count }), let pooled, pooled.rank == 2 else {
            throw EngineError.badRequest("SDXL's second text encoder must return a pooled projection and both tokenizers the same windows")
        }
        let rows = prompts[0].windows.count * tokens
        guard parts.count == 2, let first = xl.textEncoder else {
            return (Tensor(shape: [1, rows, xl.textEncoder2.hiddenSize], data: parts[0]), pooled)
        }
        let h1 = first.hiddenSize, h2 = xl.textEncoder2.hiddenSize
        var context = Tensor(shape: [1, rows, h1 + h2])
        for t in 0..<rows {
            context.data.replaceSubrange((t * (h1 + h2))..<(t * (h1 + h2) + h1), with: parts[0][(t * h1)..<((t + 1) * h1)])
            context.data.replaceSubrange((t * (h1 + h2) + h1)..<((t + 1) * (h1 + h2)), with: parts[1][(t * h2)..<((t + 1) * h2)])
        }
        return (context, pooled)
    }
}
