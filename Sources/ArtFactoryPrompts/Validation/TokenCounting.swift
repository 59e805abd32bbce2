/// Counts text-encoder tokens. The daemon implements this with the engine's CLIP tokenizer; this
/// module never depends on the engine.
public protocol TokenCounting: Sendable {
    /// Tokens in `text`, without the begin/end markers.
    func tokenCount(_ text: String) -> Int
    /// Tokens the encoder reads in one pass (75 for CLIP: 77 minus begin/end markers).
    var window: Int { get }
}

/// An approximate counter for tests and for when no tokenizer is loaded.
///
/// Rules: emphasis syntax (`( ) [ ]`, `:1.2` weights, backslashes) is not counted, as A1111-style
/// encoders strip it; every other punctuation mark is one token; a word is one token per started
/// 7 characters (CLIP splits long or rare words into pieces). Usually within ±20 % of CLIP for
/// English prompts.
public struct ApproximateTokenCounter: TokenCounting {
    /// Tokens per encoder pass (default 75).
    public let window: Int

    /// Creates a counter with the given window.
    public init(window: Int = 75) {
        self.window = window
    }

    public func tokenCount(_ text: String) -> Int {
        var count = 0
        var wordLength = 0
        var skippingWeight = false
        func endWord() {
            if wordLength > 0 { count += (wordLength + 6) / 7 }
            wordLength = 0
        }
        for char in text {
            if skippingWeight {
                if char.isNumber || char == "." { continue }
                skippingWeight = false
            }
            if char.isLetter || char.isNumber || char == "'" {
                wordLength += 1
                continue
            }
            endWord()
            if char == ":" {
                skippingWeight = true
            } else if !char.isWhitespace, !"()[]\\".contains(char) {
                count += 1
            }
        }
        endWord()
        return count
    }
}
