import ArtFactoryPrompts
import Foundation
import Testing
@testable import ArtFactoryImaging

@Suite struct MetadataStripperTests {
    static func contains(_ data: Data, _ text: String) -> Bool {
        data.range(of: Data(text.utf8)) != nil
    }

    @Test func jpegLosesExifButKeepsIdenticalPixels() throws {
        let original = try TestFiles.fixture("photo.jpg")
        #expect(Self.contains(original, "Exif") && Self.contains(original, "FixtureCam"))
        let stripped = try MetadataStripper().strip(original, name: "photo.jpg")
        #expect(!Self.contains(stripped, "Exif") && !Self.contains(stripped, "FixtureCam"))
        #expect(stripped.count < original.count)
        #expect(try JPEGDecoder.decode(stripped) == JPEGDecoder.decode(original))
    }

    @Test func jpegTrailerAfterEndMarkerIsDropped() throws {
        let original = try TestFiles.fixture("progressive.jpg") + Data("PRIVATE-TRAILER".utf8)
        let stripped = try JPEGStripper().strip(original)
        #expect(!Self.contains(stripped, "PRIVATE-TRAILER"))
        #expect(try JPEGDecoder.decode(stripped) == JPEGDecoder.decode(original))
    }

    @Test func webpLosesExifAndXmpFlagsAndChunks() throws {
        let original = try TestFiles.fixture("exif.webp")
        #expect(Self.contains(original, "FixtureCam") && Self.contains(original, "xmpmeta"))
        let stripped = try MetadataStripper().strip(original)
        #expect(!Self.contains(stripped, "FixtureCam") && !Self.contains(stripped, "xmpmeta"))
        #expect(!Self.contains(stripped, "EXIF") && !Self.contains(stripped, "XMP "))
        #expect(stripped[20] & 0x0C == 0, "VP8X EXIF/XMP flags cleared")
        let riff = Int(stripped[4]) | Int(stripped[5]) << 8 | Int(stripped[6]) << 16 | Int(stripped[7]) << 24
        #expect(riff + 8 == stripped.count)
        #expect(try WebPDecoder.decode(stripped) == WebPDecoder.decode(original))
    }

    @Test func pngGoesThroughTheChunkStripper() throws {
        let stripped = try MetadataStripper().strip(TestFiles.fixture("text_exif.png"))
        #expect(try PNGChunkReader.chunks(in: stripped).map(\.type) == ["IHDR", "IDAT", "IEND"])
    }

    @Test func truncatedAndForeignInputsGetClearErrors() throws {
        let jpeg = try TestFiles.fixture("photo.jpg")
        let cut = #expect(throws: ImagingError.self) { try MetadataStripper().strip(jpeg.prefix(jpeg.count - 10), name: "cut.jpg") }
        #expect(cut?.code == .truncated && cut?.message.contains("cut.jpg") == true)
        let webp = try TestFiles.fixture("exif.webp")
        #expect(throws: ImagingError.self) { try WebPStripper().strip(webp.prefix(webp.count - 20)) }
        let text = #expect(throws: ImagingError.self) { try MetadataStripper().strip(Data("plain".utf8), name: "a.txt") }
        #expect(text?.code == .notAnImage)
    }

    @Test func strippersSurviveMutations() throws {
        var random = SplitMix64(seed: 7)
        for name in ["photo.jpg", "exif.webp", "text_exif.png"] {
            let original = try TestFiles.fixture(name)
            for _ in 0..<300 {
                let mutated = FuzzTests.mutate(original, using: &random)
                do {
                    let stripped = try MetadataStripper().strip(mutated)
                    #expect(stripped.count <= mutated.count + 1)
                } catch is ImagingError {
                    continue
                }
            }
        }
    }
}
