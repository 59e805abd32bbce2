import Foundation

/// CLIP's byte-level BPE tokenizer, producing the same ids as transformers' `CLIPTokenizer`.
///
/// Text is cleaned (NFC, white space collapsed, lowercased), split into words by CLIP's pattern
/// (see `CLIPTextSplitter`), and each word is byte-pair encoded. A sequence is
/// `<|startoftext|>`, the tokens, `<|endoftext|>`, then the pad token up to `maxLength` (77).
/// The pad token follows the model: SD 1.x pads with `<|endoftext|>` (49407), SD 2.x's tokenizer with
/// `!` (id 0); `load(folder:)` reads it from `tokenizer_config.json` / `special_tokens_map.json`.
/// Thread-safe; share one instance.
public struct CLIPTokenizer: Sendable {
    /// Length of one encoder window, start and end tokens included.
    public let maxLength: Int
    /// `<|startoftext|>`.
    public let bosID: Int32
    /// `<|endoftext|>`.
    public let eosID: Int32
    /// The padding id.
    public let padID: Int32
    private let encoder: BytePairEncoder
    /// Special tokens matched in the raw text before clean-up (as transformers' added tokens are),
    /// longest first: `<|startoftext|>`, `<|endoftext|>` and the pad token.
    private let specialTokens: [(text: [Character], id: Int32)]

    /// Tokens of text per window, between the start and end tokens.
    public var tokensPerWindow: Int { maxLength - 2 }

    /// Builds a tokenizer on a vocabulary.
    /// - Parameter padToken: the padding token's text; `nil` pads with `<|endoftext|>`.
    /// - Throws: `EngineError` (`tokenizer.bad_file`) when the special tokens are not in the vocabulary.
    public init(vocabulary: CLIPVocabulary, padToken: String? = nil, maxLength: Int = 77) throws {
        guard let bos = vocabulary.tokenToID["<|startoftext|>"], let eos = vocabulary.tokenToID["<|endoftext|>"] else {
            throw EngineError.tokenizerFile("vocabulary", "lacks <|startoftext|> or <|endoftext|>")
        }
        guard maxLength >= 3 else { throw EngineError.tokenizerFile("vocabulary", "model_max_length \(maxLength) is too small") }
        bosID = bos
        eosID = eos
        if let padToken {
            guard let pad = vocabulary.tokenToID[padToken] else {
                throw EngineError.tokenizerFile("vocabulary", "the pad token '\(padToken)' is not in the vocabulary")
            }
            padID = pad
        } else {
            padID = eos
        }
        self.maxLength = maxLength
        var specials: [(text: [Character], id: Int32)] = [(Array("<|startoftext|>"), bos), (Array("<|endoftext|>"), eos)]
        if let padToken, padToken != "<|endoftext|>", padToken != "<|startoftext|>", !padToken.isEmpty {
            specials.append((Array(padToken), padID))
        }
        specialTokens = specials.sorted { $0.text.count > $1.text.count }
        encoder = BytePairEncoder(vocabulary: vocabulary, unknownID: eos)
    }

    /// The built-in OpenAI CLIP vocabulary (for single-file checkpoints).
    /// - Parameter padToken: `nil` (SD 1.x, pad with `<|endoftext|>`) or `"!"` (SD 2.x).
    public static func builtIn(padToken: String? = nil) throws -> CLIPTokenizer {
        try CLIPTokenizer(vocabulary: .builtIn(), padToken: padToken)
    }

    /// Loads a diffusers `tokenizer/` folder: `tokenizer.json`, or `vocab.json` + `merges.txt`; the pad
    /// token and `model_max_length` come from `tokenizer_config.json` / `special_tokens_map.json` when present.
    public static func load(folder: URL) throws -> CLIPTokenizer {
        let fm = FileManager.default
        let vocabJSON = folder.appendingPathComponent("vocab.json")
        let merges = folder.appendingPathComponent("merges.txt")
        let tokenizerJSON = folder.appendingPathComponent("tokenizer.json")
        let vocabulary: CLIPVocabulary
        if fm.fileExists(atPath: vocabJSON.path), fm.fileExists(atPath: merges.path) {
            vocabulary = try .load(vocabJSON: vocabJSON, mergesTXT: merges)
        } else if fm.fileExists(atPath: tokenizerJSON.path) {
            vocabulary = try .load(tokenizerJSON: tokenizerJSON)
        } else {
            throw EngineError.tokenizerFile(folder.path, "has neither vocab.json + merges.txt nor tokenizer.json")
        }
        var padToken: String?
        var maxLength = 77
        for name in ["special_tokens_map.json", "tokenizer_config.json"] {
            let url = folder.appendingPathComponent(name)
            guard fm.fileExists(atPath: url.path) else { continue }
            guard let data = try? Data(contentsOf: url),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw EngineError.tokenizerFile(url.path, "is not a JSON object")
            }
            if let pad = object["pad_token"] as? String {
                padToken = pad
            } else if let pad = object["pad_token"] as? [String: Any], let content = pad["content"] as? String {
                padToken = content
            }
            if let length = object["model_max_length"] as? NSNumber, length.intValue >= 3, length.intValue <= 4096 {
                maxLength = length.intValue
            }
        }
        return try CLIPTokenizer(vocabulary: vocabulary, padToken: padToken, maxLength: maxLength)
    }

    /// Token ids of `text` without start, end or padding tokens.
    ///
    /// Special-token strings in the text (including the pad token, e.g. SD 2.x's `!`) map to their ids
    /// directly, exactly as transformers does; the text between them is cleaned, split and BPE-encoded.
    public func tokenize(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var pending = ""
        func flush() {
            guard !pending.isEmpty else { return }
            ids += CLIPTextSplitter.words(CLIPTextSplitter.clean(pending)).flatMap { word -> [Int32] in
                switch word {
                case "<|startoftext|>": return [bosID]
                case "<|endoftext|>": return [eosID]
                default: return encoder.encode(word: word)
                }
            }
            pending = ""
        }
        let chars = Array(text)
        var i = 0
        outer: while i < chars.count {
            for special in specialTokens where i + special.text.count <= chars.count {
                if chars[i..<(i + special.text.count)].elementsEqual(special.text) {
                    flush()
                    ids.append(special.id)
                    i += special.text.count
                    continue outer
                }
            }
            pending.append(chars[i])
            i += 1
        }
        flush()
        return ids
    }

    /// `<|startoftext|>` + tokens + `<|endoftext|>`, neither truncated nor padded.
    public func encode(_ text: String) -> [Int32] {
        [bosID] + tokenize(text) + [eosID]
    }

    /// One window exactly as diffusers feeds the text encoder: truncated to `maxLength - 2` tokens,
    /// wrapped in start/end tokens, padded to `maxLength`.
    public func paddedIDs(_ text: String) -> [Int32] {
        window(Array(tokenize(text).prefix(tokensPerWindow)))
    }

    /// Wraps up to `tokensPerWindow` tokens into one padded window.
    func window(_ tokens: [Int32]) -> [Int32] {
        var ids = [bosID] + tokens + [eosID]
        ids += [Int32](repeating: padID, count: max(0, maxLength - ids.count))
        return ids
    }
}
