import ArtFactoryEngine
import ArtFactoryPrompts

/// The engine's CLIP tokenizer as the prompt module's ``TokenCounting``, so previews count exactly
/// what the text encoder will read (75 tokens a pass).
struct CLIPTokenCounter: TokenCounting {
    let tokenizer: CLIPTokenizer
    let window = 75

    /// Uses the tokenizer's built-in CLIP vocabulary (no model needs to be loaded).
    init() throws {
        tokenizer = try CLIPTokenizer(vocabulary: .builtIn())
    }

    func tokenCount(_ text: String) -> Int { tokenizer.tokenize(text).count }
}
