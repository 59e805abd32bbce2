import Foundation

/// The token table and merge ranks of a CLIP byte-level BPE tokenizer.
///
/// Three sources give the same table: a diffusers `tokenizer/` folder (`vocab.json` + `merges.txt`,
/// or `tokenizer.json`), or the built-in copy of OpenAI's `bpe_simple_vocab_16e6.txt.gz` for
/// single-file checkpoints, from which the vocabulary is derived exactly as CLIP does (256 byte
/// symbols, the same 256 with `</w>`, the 48 894 merges in order, then `<|startoftext|>` = 49406 and
/// `<|endoftext|>` = 49407).
public struct CLIPVocabulary: Sendable {
    /// Token string → id.
    public let tokenToID: [String: Int32]
    /// Merge pairs in priority order (first = applied first).
    public let merges: [(String, String)]

    /// Number of merges CLIP uses from the built-in merge list.
    public static let builtInMergeCount = 49152 - 256 - 2

    /// Builds a vocabulary from a token table and merge list.
    public init(tokenToID: [String: Int32], merges: [(String, String)]) {
        self.tokenToID = tokenToID
        self.merges = merges
    }

    /// OpenAI's CLIP vocabulary, decoded from the resource bundled with the engine. Decoded once per process.
    public static func builtIn() throws -> CLIPVocabulary {
        try builtInCache.get()
    }

    private static let builtInCache: Result<CLIPVocabulary, EngineError> = Result {
        guard let url = Bundle.module.url(forResource: "bpe_simple_vocab_16e6.txt", withExtension: "gz") else {
            throw EngineError.tokenizerFile("bpe_simple_vocab_16e6.txt.gz", "missing from the engine's resources")
        }
        return try fromCLIPMergeFile(gzipURL: url)
    }.mapError { ($0 as? EngineError) ?? EngineError.tokenizerFile("bpe_simple_vocab_16e6.txt.gz", "\($0)") }

    /// Derives the vocabulary from a gzip'd CLIP merge file (`bpe_simple_vocab_16e6.txt.gz`).
    public static func fromCLIPMergeFile(gzipURL url: URL) throws -> CLIPVocabulary {
        let compressed: Data
        do { compressed = try Data(contentsOf: url) } catch {
            throw EngineError.tokenizerFile(url.path, "cannot be read")
        }
        let bytes: [UInt8]
        do { bytes = try GzipInflater.gunzip([UInt8](compressed)) } catch {
            throw EngineError.tokenizerFile(url.path, "is not valid gzip data (\(error))")
        }
        // CLIP skips the first line (a header, not a merge) unconditionally.
        let pairs = try MergeListParser.pairs(bytes, path: url.path, skipFirstLine: true)
        guard pairs.count >= builtInMergeCount else {
            throw EngineError.tokenizerFile(url.path, "has \(pairs.count) merges, expected at least \(builtInMergeCount)")
        }
        let merges = Array(pairs.prefix(builtInMergeCount))
        let symbols = ByteEncoder.symbolsInCLIPOrder
        var tokens = symbols + symbols.map { $0 + "</w>" }
        tokens += merges.map { $0.0 + $0.1 }
        tokens += ["<|startoftext|>", "<|endoftext|>"]
        var table: [String: Int32] = [:]
        table.reserveCapacity(tokens.count)
        for (i, token) in tokens.enumerated() { table[token] = Int32(i) }
        return CLIPVocabulary(tokenToID: table, merges: merges)
    }

    /// Loads `vocab.json` + `merges.txt` (the diffusers/transformers slow-tokenizer files).
    public static func load(vocabJSON: URL, mergesTXT: URL) throws -> CLIPVocabulary {
        let table = try readTokenTable(vocabJSON)
        let bytes: Data
        do { bytes = try Data(contentsOf: mergesTXT) } catch {
            throw EngineError.tokenizerFile(mergesTXT.path, "cannot be read")
        }
        let merges = try MergeListParser.pairs([UInt8](bytes), path: mergesTXT.path)
        return CLIPVocabulary(tokenToID: table, merges: merges)
    }

    /// Loads a Hugging Face `tokenizer.json` whose model is BPE.
    public static func load(tokenizerJSON url: URL) throws -> CLIPVocabulary {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) } catch {
            throw EngineError.tokenizerFile(url.path, "is not readable JSON")
        }
        guard let root = object as? [String: Any], let model = root["model"] as? [String: Any],
              let vocab = model["vocab"] as? [String: Any], let rawMerges = model["merges"] as? [Any] else {
            throw EngineError.tokenizerFile(url.path, "has no BPE model with vocab and merges")
        }
        var table: [String: Int32] = [:]
        for (token, id) in vocab {
            guard let number = id as? NSNumber else { throw EngineError.tokenizerFile(url.path, "has a non-integer id for '\(token)'") }
            table[token] = number.int32Value
        }
        var merges: [(String, String)] = []
        for raw in rawMerges {
            if let pair = raw as? String {
                let parts = pair.split(separator: " ")
                guard parts.count == 2 else { throw EngineError.tokenizerFile(url.path, "has a malformed merge '\(pair)'") }
                merges.append((String(parts[0]), String(parts[1])))
            } else if let pair = raw as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1]))
            } else {
                throw EngineError.tokenizerFile(url.path, "has a malformed merge entry")
            }
        }
        if let added = root["added_tokens"] as? [[String: Any]] {
            for entry in added {
                if let content = entry["content"] as? String, let id = entry["id"] as? NSNumber { table[content] = id.int32Value }
            }
        }
        return CLIPVocabulary(tokenToID: table, merges: merges)
    }

    private static func readTokenTable(_ url: URL) throws -> [String: Int32] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw EngineError.tokenizerFile(url.path, "cannot be read") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EngineError.tokenizerFile(url.path, "is not a JSON object of token → integer id")
        }
        var table: [String: Int32] = [:]
        table.reserveCapacity(object.count)
        for (token, value) in object {
            guard let number = value as? NSNumber, let id = Int32(exactly: number.doubleValue) else {
                throw EngineError.tokenizerFile(url.path, "maps '\(token)' to something other than an integer id")
            }
            table[token] = id
        }
        return table
    }
}
