import Foundation
import Testing
@testable import ArtFactoryImaging

@Suite struct JPEGAndWebPTests {
    /// Mean absolute difference per byte between two same-sized buffers.
    static func meanError(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
        let total = zip(a.bytes, b.bytes).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(a.bytes.count)
    }

    @Test func jpegFixturesMatchPillowsDecode() throws {
        for name in ["photo", "progressive"] {
            let image = try JPEGDecoder.decode(TestFiles.fixture("\(name).jpg"))
            let reference = try PNGDecoder.decode(TestFiles.fixture("\(name)_pillow.png"))
            #expect(image.width == 64 && image.height == 48 && image.channels == 3)
            #expect(Self.meanError(image, reference) < 1.0, "\(name)")
        }
        let gray = try JPEGDecoder.decode(TestFiles.fixture("gray.jpg"))
        #expect(gray.channels == 3 && gray.value(x: 3, y: 3, channel: 0) == gray.value(x: 3, y: 3, channel: 1))
    }

    @Test func jpegDimensionsComeFromTheHeader() throws {
        let data = try TestFiles.fixture("photo.jpg")
        let size = try data.withUnsafeBytes { try JPEGDecoder.dimensions(of: $0) }
        #expect(size.width == 64 && size.height == 48)
    }

    @Test func truncatedJPEGIsReportedNotPaddedWithGray() throws {
        let data = try TestFiles.fixture("photo.jpg")
        let error = #expect(throws: ImagingError.self) { try JPEGDecoder.decode(data.prefix(data.count - 300)) }
        #expect(error?.code == .truncated)
    }

    @Test func endMarkerCheckAllowsTrailersAndCatchesCutsAfterAnExifThumbnail() throws {
        let data = try TestFiles.fixture("photo.jpg")
        let withTrailer = data + Data(repeating: 0x41, count: 500)
        #expect(withTrailer.withUnsafeBytes { JPEGDecoder.hasEndMarker($0) })
        #expect(try ImageProbe().probe(withTrailer).format == .jpeg)
        // An APP1 segment that itself contains FFD9 (like an EXIF thumbnail) must not hide a cut.
        var fake = Data([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0x00, 0x00])
        fake += data.dropFirst(2).prefix(data.count / 2)
        #expect(!fake.withUnsafeBytes { JPEGDecoder.hasEndMarker($0) })
        let error = #expect(throws: ImagingError.self) { try ImageProbe().probe(fake) }
        #expect(error?.code == .truncated)
    }

    @Test func garbageAfterJPEGHeaderIsAnErrorNotAnExit() throws {
        var data = try TestFiles.fixture("photo.jpg")
        for index in stride(from: data.count / 2, to: data.count - 2, by: 3) { data[index] = 0xFF }
        do {
            _ = try JPEGDecoder.decode(data)
        } catch let error as ImagingError {
            #expect([.corrupt, .truncated].contains(error.code))
        }
    }

    @Test func webpLossyRoundTripIsCloseAndKeepsSize() throws {
        let image = try TestFiles.realisticImage(width: 96, height: 64)
        let data = try WebPEncoder(quality: 90).encode(image)
        let decoded = try WebPDecoder.decode(data)
        #expect(decoded.width == 96 && decoded.height == 64 && decoded.channels == 3)
        #expect(Self.meanError(decoded, image) < 6)
    }

    @Test func webpLosslessRGBARoundTripIsExact() throws {
        let image = try TestFiles.realisticImage(width: 33, height: 17, channels: 4)
        let decoded = try WebPDecoder.decode(WebPEncoder(lossless: true).encode(image))
        #expect(decoded == image)
    }

    @Test func pillowWebPFixturesDecode() throws {
        let lossy = try WebPDecoder.decode(TestFiles.fixture("lossy.webp"))
        #expect(lossy.width == 64 && lossy.channels == 3)
        let alpha = try WebPDecoder.decode(TestFiles.fixture("lossless_alpha.webp"))
        #expect(alpha.channels == 4 && !alpha.isOpaque)
    }

    @Test func webpEncoderRejectsBadQualityAndOversizedImages() throws {
        let image = try TestFiles.realisticImage(width: 4, height: 4)
        #expect(throws: ImagingError.self) { try WebPEncoder(quality: 101).encode(image) }
        let wide = try PixelBuffer(width: 16384, height: 1, channels: 3)
        let error = #expect(throws: ImagingError.self) { try WebPEncoder().encode(wide) }
        #expect(error?.code == .invalidArgument)
    }

    @Test func truncatedWebPIsReportedAsTruncated() throws {
        let data = try WebPEncoder().encode(TestFiles.realisticImage(width: 64, height: 64))
        let error = #expect(throws: ImagingError.self) { try WebPDecoder.decode(data.prefix(data.count / 2)) }
        #expect(error?.code == .truncated)
    }
}
