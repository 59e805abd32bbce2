/// A prompt tokenized into encoder windows with a weight per token.
///
/// Long prompts are **chunked, not truncated**: the tokens are cut into windows of 75 (as A1111
/// does); each window becomes `<|startoftext|>` + up to 75 tokens + `<|endoftext|>` + padding (77 ids,
/// the same layout diffusers uses for one window), each window is encoded on its own and the hidden
/// states are concatenated along the token axis (77 × windows tokens of context). A prompt of at most
/// 75 tokens without emphasis gives exactly diffusers' single window. Unlike A1111 we do not move
/// window breaks back to the last comma. Start, end and pad tokens weigh 1.
public struct WeightedPrompt: Sendable, Equatable {
    /// Encoder windows, each `maxLength` ids.
    public var windows: [[Int32]]
    /// Per-id weights, the same shape as `windows`.
    public var weights: [[Float]]

    /// Whether any weight differs from 1 (the pipeline skips re-weighting otherwise).
    public var hasEmphasis: Bool { weights.contains { $0.contains { $0 != 1 } } }
}

extension CLIPTokenizer {
    /// Tokenizes a prompt with emphasis syntax into 75-token windows with per-token weights.
    ///
    /// Emphasis: `(text)` multiplies by 1.1, `[text]` divides by 1.1, `(text:1.3)` sets 1.3 (nesting
    /// multiplies), `\(` `\)` `\[` `\]` `\\` are literal characters. See `PromptEmphasisParser`.
    /// - Parameter minimumWindows: pad with empty windows up to this count (so a negative prompt can match
    ///   the positive prompt's window count).
    public func weightedWindows(_ prompt: String, minimumWindows: Int = 1) -> WeightedPrompt {
        var tokens: [Int32] = []
        var tokenWeights: [Float] = []
        for segment in PromptEmphasisParser.parse(prompt) {
            let ids = tokenize(segment.text)
            tokens += ids
            tokenWeights += [Float](repeating: segment.weight, count: ids.count)
        }
        var result = WeightedPrompt(windows: [], weights: [])
        var start = 0
        repeat {
            let end = min(start + tokensPerWindow, tokens.count)
            let chunk = Array(tokens[start..<end])
            result.windows.append(window(chunk))
            var w = [Float(1)] + Array(tokenWeights[start..<end]) + [1]
            w += [Float](repeating: 1, count: max(0, maxLength - w.count))
            result.weights.append(w)
            start = end
        } while start < tokens.count
        while result.windows.count < minimumWindows {
            result.windows.append(window([]))
            result.weights.append([Float](repeating: 1, count: maxLength))
        }
        return result
    }
}
