import ArtFactoryProtocol
import Testing

@Suite struct JSONParserTests {
    let parser = JSONParser()

    @Test func parsesEveryKindOfValue() throws {
        let v = try parser.parse(#" {"a": [1, -2, 3.5, 1e3, true, false, null, "x\n\u00e9\ud83d\ude00"], "b": {}} "#)
        #expect(v["a"] == [1, -2, 3.5, 1000.0, true, false, nil, "x\né😀"])
        #expect(v["b"] == .object(JSONObject()))
    }

    @Test func keepsIntegersApartFromDoubles() throws {
        #expect(try parser.parse("1") == .int(1))
        #expect(try parser.parse("1.0") == .double(1))
        #expect(try parser.parse("-9223372036854775808") == .int(Int64.min))
        #expect(try parser.parse("9223372036854775808") == .double(9223372036854775808))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", "-", "1e", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"",
        "\"\\ud800\"", "\"\\udc00\"", "[1] x", "{'a':1}", "\"a\tb\"", "NaN", "1e400",
    ])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try parser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParser.Failure.self) { try parser.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try parser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }  // encoded surrogate
    }

    @Test func limitsNesting() throws {
        let ok = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(try JSONParser(maxDepth: 10).parse(ok) != .null)
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser(maxDepth: 64).parse(deep) }
    }

    @Test func writerRoundTripsAndStaysOnOneLine() throws {
        let v: JSONValue = ["s": "line\nbreak \"quoted\" \\ / \u{1}", "n": [1, 2.5, -0.0], "o": ["k": nil]]
        let text = JSONWriter.string(v)
        #expect(!text.contains("\n"))
        #expect(try parser.parse(text) == v)
        #expect(JSONWriter.string(.double(2)) == "2.0")
        #expect(JSONWriter.string(.int(2)) == "2")
    }
}
