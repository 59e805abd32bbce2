import Foundation
import Testing
@testable import ArtFactoryEngine

@Suite struct TokenizerTests {
    struct Case { let text: String; let ids: [Int32]; let sd1: [Int32]; let sd2: [Int32] }

    static func corpus() throws -> [Case] {
        let root = try #require(try FixtureFiles.json("tokenizer/clip_ids.json") as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        return try cases.map { c in
            func ids(_ key: String) throws -> [Int32] { try #require(c[key] as? [Int]).map(Int32.init) }
            return Case(text: try #require(c["text"] as? String), ids: try ids("ids"), sd1: try ids("padded_sd1"), sd2: try ids("padded_sd2"))
        }
    }

    @Test func builtInVocabularyIsDerivedLikeCLIP() throws {
        let vocab = try CLIPVocabulary.builtIn()
        #expect(vocab.merges.count == 48_894)
        #expect(vocab.tokenToID.count == 49_408)
        #expect(vocab.tokenToID["<|startoftext|>"] == 49_406)
        #expect(vocab.tokenToID["<|endoftext|>"] == 49_407)
        #expect(vocab.tokenToID["!"] == 0)
        #expect(vocab.tokenToID["a</w>"] == 320)
    }

    @Test func corpusMatchesTransformersExactly() throws {
        let sd1 = try CLIPTokenizer.builtIn()
        let sd2 = try CLIPTokenizer.builtIn(padToken: "!")
        let cases = try Self.corpus()
        #expect(cases.count >= 60)
        for c in cases {
            #expect(sd1.encode(c.text) == c.ids, "full ids for \(c.text.debugDescription)")
            #expect(sd1.paddedIDs(c.text) == c.sd1, "SD1 window for \(c.text.debugDescription)")
            #expect(sd2.paddedIDs(c.text) == c.sd2, "SD2 window for \(c.text.debugDescription)")
        }
    }

    @Test func loadsVocabJSONAndMergesFromAFolderWithPadTokenFromConfig() throws {
        let dir = try FixtureFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vocab = try CLIPVocabulary.builtIn()
        let table = try JSONEncoder().encode(vocab.tokenToID)
        try table.write(to: dir.appendingPathComponent("vocab.json"))
        let merges = "#version: 0.2\n" + vocab.merges.map { "\($0.0) \($0.1)" }.joined(separator: "\n") + "\n"
        try merges.write(to: dir.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        try #"{"pad_token": {"content": "!", "lstrip": false}, "model_max_length": 77}"#
            .write(to: dir.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8)
        let tokenizer = try CLIPTokenizer.load(folder: dir)
        #expect(tokenizer.padID == 0)
        let c = try #require(try Self.corpus().first)
        #expect(tokenizer.paddedIDs(c.text) == c.sd2)
    }

    @Test func loadsTheTinyPipelinesTokenizerFoldersWithTheirPadTokens() throws {
        let cases = try Self.corpus()
        let sd1 = try CLIPTokenizer.load(folder: FixtureFiles.url("pipelines/sd1-tiny/tokenizer"))
        let sd2 = try CLIPTokenizer.load(folder: FixtureFiles.url("pipelines/sd2-tiny/tokenizer"))
        #expect(sd1.padID == 49407)
        #expect(sd2.padID == 0)
        for c in cases {
            #expect(sd1.paddedIDs(c.text) == c.sd1, "SD1 folder: \(c.text.debugDescription)")
            #expect(sd2.paddedIDs(c.text) == c.sd2, "SD2 folder: \(c.text.debugDescription)")
        }
    }

    @Test func loadsTokenizerJSON() throws {
        let dir = try FixtureFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = #"""
        {"model": {"type": "BPE", "vocab": {"!": 0, "c": 1, "a": 2, "t</w>": 3, "ca": 4, "cat</w>": 5, "<|startoftext|>": 6, "<|endoftext|>": 7},
                   "merges": ["c a", ["ca", "t</w>"]]}}
        """#
        try json.write(to: dir.appendingPathComponent("tokenizer.json"), atomically: true, encoding: .utf8)
        let tokenizer = try CLIPTokenizer.load(folder: dir)
        #expect(tokenizer.encode("CAT") == [6, 5, 7])
        #expect(tokenizer.paddedIDs("cat").count == 77)
        #expect(tokenizer.padID == 7)
    }

    @Test func missingOrBrokenFilesGiveClearErrors() throws {
        let dir = try FixtureFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect { try CLIPTokenizer.load(folder: dir) } throws: { ($0 as? EngineError)?.code == "tokenizer.bad_file" }
        try "not json".write(to: dir.appendingPathComponent("tokenizer.json"), atomically: true, encoding: .utf8)
        #expect { try CLIPTokenizer.load(folder: dir) } throws: { ($0 as? EngineError)?.code == "tokenizer.bad_file" }
        let gz = dir.appendingPathComponent("bad.gz")
        try Data([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff]).write(to: gz)
        #expect(throws: EngineError.self) { try CLIPVocabulary.fromCLIPMergeFile(gzipURL: gz) }
    }

    @Test func longPromptsAreChunkedIntoWindowsOf75() throws {
        let tokenizer = try CLIPTokenizer.builtIn()
        let prompt = Array(repeating: "cat", count: 160).joined(separator: " ")
        let weighted = tokenizer.weightedWindows(prompt)
        #expect(weighted.windows.count == 3)
        #expect(weighted.windows.allSatisfy { $0.count == 77 && $0.first == 49406 })
        #expect(weighted.windows[0][76] == 49407)
        #expect(weighted.windows[2][1...10].allSatisfy { $0 == 2368 })
        #expect(weighted.windows[2][11] == 49407)
        #expect(!weighted.hasEmphasis)
        let short = tokenizer.weightedWindows("a photograph of an astronaut riding a horse", minimumWindows: 2)
        #expect(short.windows[0] == tokenizer.paddedIDs("a photograph of an astronaut riding a horse"))
        #expect(short.windows[1] == tokenizer.paddedIDs(""))
    }

    @Test func emphasisSyntaxGivesPerTokenWeights() throws {
        let parsed = PromptEmphasisParser.parse(#"a (cat:1.3) ((dog)) [bird] \(lit\) (open"#)
        let weights = Dictionary(parsed.map { ($0.text, $0.weight) }, uniquingKeysWith: { a, _ in a })
        #expect(weights["cat"] == 1.3)
        #expect(abs((weights["dog"] ?? 0) - 1.21) < 1e-6)
        #expect(abs((weights["bird"] ?? 0) - 1 / 1.1) < 1e-6)
        #expect(parsed.contains { $0.text.contains("(lit)") && $0.weight == 1 })
        #expect(abs((weights["open"] ?? 0) - 1.1) < 1e-6)
        let tokenizer = try CLIPTokenizer.builtIn()
        let weighted = tokenizer.weightedWindows("a (cat:1.5) dog")
        #expect(weighted.windows[0][0...4] == [49406, 320, 2368, 1929, 49407])
        #expect(weighted.weights[0][0...4] == [1, 1, 1.5, 1, 1])
        #expect(weighted.hasEmphasis)
    }
}

@Suite struct GzipInflaterTests {
    @Test func decodesStoredFixedAndDynamicBlocks() throws {
        for name in ["stored", "fixed", "dynamic"] {
            let compressed = [UInt8](try Data(contentsOf: FixtureFiles.url("tokenizer/gzip/\(name).gz")))
            let expected = [UInt8](try Data(contentsOf: FixtureFiles.url("tokenizer/gzip/\(name).txt")))
            #expect(try GzipInflater.gunzip(compressed) == expected, "\(name)")
        }
    }

    @Test func truncatedOrCorruptDataIsAnErrorNotACrash() throws {
        let truncated = [UInt8](try Data(contentsOf: FixtureFiles.url("tokenizer/gzip/truncated.gz")))
        #expect(throws: GzipInflater.Failure.self) { try GzipInflater.gunzip(truncated) }
        var corrupt = [UInt8](try Data(contentsOf: FixtureFiles.url("tokenizer/gzip/dynamic.gz")))
        corrupt[corrupt.count - 12] ^= 0xFF
        #expect(throws: GzipInflater.Failure.self) { try GzipInflater.gunzip(corrupt) }
        #expect(throws: GzipInflater.Failure.self) { try GzipInflater.gunzip([0x50, 0x4B, 3, 4]) }
        #expect(throws: GzipInflater.Failure.self) { try GzipInflater.gunzip([]) }
    }
}

@Suite struct PromptWindowTests {
    @Test func windowBreaksMoveBackToARecentCommaAsA1111Does() throws {
        let tokenizer = try CLIPTokenizer.builtIn()
        // 70 × "cat", a comma, then 10 × "dog": the window fills inside the dogs, 10 tokens after the comma.
        let prompt = Array(repeating: "cat", count: 70).joined(separator: " ") + ", " + Array(repeating: "dog", count: 10).joined(separator: " ")
        let weighted = tokenizer.weightedWindows(prompt)
        #expect(weighted.windows.count == 2)
        #expect(weighted.windows[0][71] == 267)  // "," ends the first window's text
        #expect(weighted.windows[0][72] == 49407)
        #expect(weighted.windows[1][1...10].allSatisfy { $0 == 1929 })  // all ten dogs moved on
        #expect(weighted.windows[1][11] == 49407)
    }

    @Test func breakKeywordStartsANewWindow() throws {
        let tokenizer = try CLIPTokenizer.builtIn()
        let weighted = tokenizer.weightedWindows("a cat BREAK a (dog:1.2) BREAKING news")
        #expect(weighted.windows.count == 2)
        #expect(weighted.windows[0][0...3] == [49406, 320, 2368, 49407])
        #expect(weighted.windows[1][1...4] == [320, 1929, 2755, 1120])  // "BREAKING" is a word, not the keyword
        #expect(weighted.weights[1][2] == 1.2)
        let segments = PromptEmphasisParser.parse("one BREAK two")
        #expect(segments.map(\.isBreak) == [false, true, false])
    }
}
