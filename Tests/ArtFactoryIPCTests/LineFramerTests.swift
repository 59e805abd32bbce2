import ArtFactoryIPC
import Testing

@Suite struct LineFramerTests {
    func feed(_ f: inout LineFramer, _ s: String) -> [LineFramer.Event] {
        Array(s.utf8).withUnsafeBytes { f.feed($0) }
    }

    @Test func splitsLinesAcrossReads() {
        var f = LineFramer(maxLineBytes: 100)
        #expect(feed(&f, "ab").isEmpty)
        #expect(feed(&f, "c\nde\n\nf") == [.line(Array("abc".utf8)), .line(Array("de".utf8)), .line([])])
        #expect(f.pendingBytes == 1)
        #expect(feed(&f, "\n") == [.line(Array("f".utf8))])
    }

    @Test func reportsOverflowOnce() {
        var f = LineFramer(maxLineBytes: 4)
        #expect(feed(&f, "abcd\n") == [.line(Array("abcd".utf8))])
        #expect(feed(&f, "abcdef") == [.overflow])
    }

    @Test func largeMessageInSmallPiecesIsLinear() {
        var f = LineFramer(maxLineBytes: 1 << 20)
        for _ in 0..<10_000 { _ = feed(&f, "0123456789") }
        #expect(feed(&f, "\n").first == .line(Array(String(repeating: "0123456789", count: 10_000).utf8)))
    }
}
