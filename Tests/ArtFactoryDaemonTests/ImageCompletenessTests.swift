import ArtFactoryImaging
@testable import ArtFactoryDaemon
import Foundation
import Testing

/// The structural check that keeps watched folders from reading files still being written: every
/// proper prefix of a real image is `incomplete`, the whole file is `complete`, other data `invalid`.
@Suite struct ImageCompletenessTests {
    @Test func everyPrefixOfAPNGIsIncompleteAndOnlyTheWholeFileIsComplete() throws {
        let png = try PNGEncoder().encode(try GalleryFixtures.pixels(side: 24, seed: 3), parameters: "a test\nSeed: 1", recordJSON: nil)
        for n in 0..<png.count {
            #expect(ImageCompleteness.check(png.prefix(n)) == .incomplete, "prefix of \(n) bytes")
        }
        #expect(ImageCompleteness.check(png) == .complete)
    }

    @Test func webPPrefixesAreIncomplete() throws {
        let webp = try WebPEncoder().encode(try GalleryFixtures.pixels(side: 24, seed: 4))
        for n in stride(from: 0, to: webp.count, by: 7) {
            #expect(ImageCompleteness.check(webp.prefix(n)) == .incomplete, "prefix of \(n) bytes")
        }
        #expect(ImageCompleteness.check(webp) == .complete)
    }

    @Test func jpegIsCompleteOnlyWithItsEndMarker() {
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + [UInt8](repeating: 0x11, count: 40) + [0xFF, 0xD9])
        #expect(ImageCompleteness.check(jpeg.prefix(2)) == .incomplete)
        #expect(ImageCompleteness.check(jpeg.prefix(30)) == .incomplete)
        #expect(ImageCompleteness.check(jpeg) == .complete)
    }

    @Test func otherDataIsInvalid() {
        if case .invalid = ImageCompleteness.check(Data("this is not a picture".utf8)) {} else { Issue.record("text is not an image") }
        if case .invalid = ImageCompleteness.check(Data("RIFF\u{4}\0\0\0WAVE".utf8)) {} else { Issue.record("RIFF WAVE is not WebP") }
        var damaged = Data(ImageFormat.png.signature)
        damaged.append(contentsOf: [0, 0, 0, 13, 0x01, 0x02, 0x03, 0x04])
        if case .invalid = ImageCompleteness.check(damaged) {} else { Issue.record("a chunk type must be letters") }
    }
}
