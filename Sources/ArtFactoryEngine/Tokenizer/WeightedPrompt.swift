/// A prompt tokenized into encoder windows with a weight per token.
///
/// Long prompts are **chunked, not truncated**: the tokens are cut into windows of 75 (as A1111
/// does); each window becomes `<|startoftext|>` + up to 75 tokens + `<|endoftext|>` + padding (77 ids,
/// the same layout diffusers uses for one window), each window is encoded on its own and the hidden
/// states are concatenated along the token axis (77 × windows tokens of context). A prompt of at most
/// 75 tokens without emphasis gives exactly diffusers' single window. As in A1111, when a window
/// fills up and a comma came within its last 20 tokens, the words after that comma move to the next
/// window, and the keyword `BREAK` starts a new window. Start, end and pad tokens weigh 1.
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
        let commaID = tokenize(",").first
        var result = WeightedPrompt(windows: [], weights: [])
        var chunk: [Int32] = []
        var chunkWeights: [Float] = []
        var lastComma = -1
        func closeWindow() {
            result.windows.append(window(chunk))
            var w = [Float(1)] + chunkWeights + [1]
            w += [Float](repeating: 1, count: max(0, maxLength - w.count))
            result.weights.append(w)
            chunk = []
            chunkWeights = []
            lastComma = -1
        }
        for segment in PromptEmphasisParser.parse(prompt) {
            if segment.isBreak {
                closeWindow()
                continue
            }
            for id in tokenize(segment.text) {
                if id == commaID {
                    lastComma = chunk.count
                } else if chunk.count == tokensPerWindow, lastComma != -1, chunk.count - lastComma <= 20 {
                    let carried = Array(chunk[(lastComma + 1)...]), carriedWeights = Array(chunkWeights[(lastComma + 1)...])
                    chunk.removeSubrange((lastComma + 1)...)
                    chunkWeights.removeSubrange((lastComma + 1)...)
                    closeWindow()
                    chunk = carried
                    chunkWeights = carriedWeights
                }
                if chunk.count == tokensPerWindow { closeWindow() }
                chunk.append(id)
                chunkWeights.append(segment.weight)
            }
        }
        if !chunk.isEmpty || result.windows.isEmpty { closeWindow() }
        while result.windows.count < minimumWindows {
            result.windows.append(window([]))
            result.weights.append([Float](repeating: 1, count: maxLength))
        }
        return result
    }
}
