import ArtFactoryImaging
import Testing

@Suite struct BitmapFontTests {
    static let printable = (0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }

    @Test func everyPrintableCharacterHasItsOwnGlyphWithinFiveColumns() {
        var seen: [[UInt8]: Character] = [:]
        for character in Self.printable {
            let rows = Array(BitmapFont.glyph(character))
            #expect(rows.count == 7)
            #expect(rows.allSatisfy { $0 < 0x20 }, "\(character) is wider than 5 px")
            if character == " " {
                #expect(rows.allSatisfy { $0 == 0 })
                continue
            }
            #expect(rows.contains { $0 != 0 }, "\(character) draws nothing")
            if let other = seen[rows] { Issue.record("\(character) looks like \(other)") }
            seen[rows] = character
        }
        #expect(BitmapFont.glyph("é") == BitmapFont.glyph("?"))
    }

    @Test func drawsScaledGlyphsAtThePosition() throws {
        var buffer = try PixelBuffer(width: 40, height: 20, channels: 3, filledWith: 255)
        BitmapFont.draw("I-", into: &buffer, x: 3, y: 2, scale: 2)
        func dark(_ x: Int, _ y: Int) -> Bool { buffer.bytes[(y * 40 + x) * 3] == 0 }
        // "I": top row 0x0E covers font columns 1-3, i.e. x 5..<11 at scale 2, rows 2..<4.
        #expect((5..<11).allSatisfy { dark($0, 2) && dark($0, 3) })
        #expect(!dark(3, 2) && !dark(4, 2) && !dark(11, 2))
        // "-": row 3 is 0x1F, starting one advance (12 px) later.
        #expect((15..<25).allSatisfy { dark($0, 8) && dark($0, 9) })
        #expect(!dark(15, 7) && !dark(15, 10))
        // Clipped at the edges without crashing.
        BitmapFont.draw("WWWWWWWW", into: &buffer, x: 30, y: 15, scale: 3)
        #expect(BitmapFont.width(of: "steps=20", scale: 2) == (8 * 6 - 1) * 2)
        #expect(BitmapFont.fitting("guidance=7.5", maxWidth: BitmapFont.width(of: "guid..")) == "guid..")
        #expect(BitmapFont.fitting("seed=1", maxWidth: 100) == "seed=1")
    }
}
