import Foundation
import Testing
@testable import ArtFactoryImaging

@Suite struct ExifOrientationTests {
    @Test(arguments: 1...8)
    func decoderTurnsJPEGUprightLikePillow(orientation: Int) throws {
        let data = try TestFiles.fixture("orient\(orientation).jpg")
        #expect(data.withUnsafeBytes { ExifOrientation.read(fromJPEG: $0) }?.rawValue == orientation)
        let decoded = try ImageDecoder().decode(data).pixels
        let expected = try PNGDecoder.decode(TestFiles.fixture("orient\(orientation)_expected.png"))
        #expect(decoded.width == expected.width && decoded.height == expected.height)
        #expect(JPEGAndWebPTests.meanError(decoded, expected) < 1.0)
    }

    @Test func orientationCanBeLeftAsStored() throws {
        let data = try TestFiles.fixture("orient6.jpg")
        let raw = try ImageDecoder(appliesOrientation: false).decode(data).pixels
        #expect(raw.width == 24 && raw.height == 16)
    }

    @Test func rotationsComposeToIdentity() throws {
        let image = try TestFiles.realisticImage(width: 5, height: 3, channels: 4)
        let once = image.applying(.rotate90Clockwise)
        #expect(once.width == 3 && once.height == 5)
        #expect(once.applying(.rotate90CounterClockwise) == image)
        #expect(image.applying(.rotate180).applying(.rotate180) == image)
        #expect(image.applying(.transpose).applying(.transpose) == image)
        #expect(image.applying(.transverse).applying(.transverse) == image)
    }

    @Test func malformedExifGivesNoOrientation() {
        let junk: [[UInt8]] = [[], Array("Exif\0\0".utf8), Array("Exif\0\0MM\0*\0\0\0\u{8}".utf8) + [0xFF, 0xFF],
                               [0x49, 0x49, 0x2A, 0x00, 0xFF, 0xFF, 0xFF, 0x7F]]
        for bytes in junk {
            #expect(bytes.withUnsafeBytes { ExifOrientation.read(fromEXIF: $0) } == nil)
        }
    }
}
