extension StableDiffusionPipeline {
    /// Encodes the negative and positive prompts into one context batch: `[uncond, cond]` with guidance
    /// (diffusers' order), `[cond]` without. Each prompt is cut into 75-token windows (both prompts get
    /// the same window count), each window is encoded separately and the windows are concatenated along
    /// the token axis. With emphasis, hidden states are multiplied by their token weights and rescaled to
    /// keep each window's original mean (as A1111 does); without emphasis the result is exactly diffusers'.
    func encodePrompts(_ r: GenerationRequest, guided: Bool) throws -> Tensor {
        let positive = tokenizer.weightedWindows(r.prompt)
        var parts: [Tensor] = []
        if guided {
            let negative = tokenizer.weightedWindows(r.negativePrompt, minimumWindows: positive.windows.count)
            let positivePadded = tokenizer.weightedWindows(r.prompt, minimumWindows: negative.windows.count)
            parts.append(try encode(negative, clipSkip: r.clipSkip))
            parts.append(try encode(positivePadded, clipSkip: r.clipSkip))
        } else {
            parts.append(try encode(positive, clipSkip: r.clipSkip))
        }
        return try Tensor.concatenate(batch: parts)
    }

    /// `[1, 77 × windows, hidden]` for one weighted prompt.
    func encode(_ prompt: WeightedPrompt, clipSkip: Int) throws -> Tensor {
        let hidden = textEncoder.hiddenSize
        let hiddenStates = try textEncoder.encode(tokenIDs: prompt.windows, clipSkip: clipSkip)
        let windows = prompt.windows.count
        let tokens = tokenizer.maxLength
        guard hiddenStates.shape == [windows, tokens, hidden] else {
            throw EngineError.modelShape("Text encoder output", expected: [windows, tokens, hidden], got: hiddenStates.shape)
        }
        var data = hiddenStates.data
        if prompt.hasEmphasis { Self.applyEmphasis(&data, prompt: prompt, tokens: tokens, hidden: hidden) }
        // Windows are rows of the encoder batch; laid end to end they are one long token sequence.
        return Tensor(shape: [1, windows * tokens, hidden], data: data)
    }

    /// Per window, as A1111: scales each token's hidden state by its weight, then restores the window's
    /// original mean. `data` holds `[windows, tokens, hidden]`.
    static func applyEmphasis(_ data: inout [Float], prompt: WeightedPrompt, tokens: Int, hidden: Int) {
        let windowSize = tokens * hidden
        for w in 0..<prompt.windows.count {
            let range = (w * windowSize)..<((w + 1) * windowSize)
            let originalMean = data[range].reduce(0, +) / Float(windowSize)
            for t in 0..<tokens {
                let weight = prompt.weights[w][t]
                let base = w * windowSize + t * hidden
                for k in 0..<hidden { data[base + k] *= weight }
            }
            let newMean = data[range].reduce(0, +) / Float(windowSize)
            if newMean != 0, newMean.isFinite {
                let ratio = originalMean / newMean
                for i in range { data[i] *= ratio }
            }
        }
    }
}
