import Foundation
import Testing
@testable import ArtFactoryImaging

@Suite struct ImageProbeTests {
    @Test func sniffsEachFormatAndReadsItsSize() throws {
        let probe = ImageProbe()
        let png = try probe.probe(TestFiles.fixture("rgb8.png"))
        #expect(png.format == .png && png.width == 64 && png.height == 48)
        #expect(try probe.probe(TestFiles.fixture("photo.jpg")).format == .jpeg)
        let webp = try probe.probe(TestFiles.fixture("lossy.webp"))
        #expect(webp.format == .webp && webp.width == 64 && webp.height == 48)
        #expect(ImageFormat.webp.mimeType == "image/webp")
    }

    @Test func textFileIsNotAnImageAndTheErrorNamesIt() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("notes.txt")
        try Data("hello, not a picture".utf8).write(to: file)
        let error = #expect(throws: ImagingError.self) { try ImageProbe().probe(fileAt: file) }
        #expect(error?.code == .notAnImage && error?.message.contains("notes.txt") == true)
        let decodeError = #expect(throws: ImagingError.self) { try ImageDecoder().decode(fileAt: file) }
        #expect(decodeError?.code == .notAnImage)
    }

    @Test func missingFileIsAnIOError() {
        let error = #expect(throws: ImagingError.self) {
            try ImageProbe().probe(fileAt: URL(fileURLWithPath: "/nonexistent/\(UUID().uuidString).png"))
        }
        #expect(error?.code == .io)
    }

    @Test func byteLimitIsEnforcedBeforeReading() throws {
        let limits = ImageLimits(maxBytes: 100, maxPixels: 1 << 30)
        let error = #expect(throws: ImagingError.self) { try ImageProbe(limits: limits).probe(TestFiles.fixture("photo.jpg")) }
        #expect(error?.code == .tooLarge)
    }

    @Test func pixelLimitIsEnforcedFromTheHeaderBeforeDecoding() throws {
        // A PNG header claiming 100000x100000 followed by nothing useful: must be refused as too large
        // from the header alone (decoding would need 30 GB).
        var header = Data(PNGChunkReader.signature)
        var ihdr = Data([0, 0, 0, 13]) + Data("IHDR".utf8)
        for value in [UInt32(100_000), UInt32(100_000)] {
            ihdr += Data([UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
        }
        ihdr += Data([8, 2, 0, 0, 0, 0, 0, 0, 0])
        header += ihdr
        let pngError = #expect(throws: ImagingError.self) { try PNGDecoder.decode(header) }
        #expect(pngError?.code == .tooLarge)
        let small = ImageLimits(maxBytes: 1 << 20, maxPixels: 1000)
        let jpegError = #expect(throws: ImagingError.self) { try ImageDecoder(limits: small).decode(TestFiles.fixture("photo.jpg")) }
        #expect(jpegError?.code == .tooLarge && jpegError?.message.contains("64x48") == true)
        let webpError = #expect(throws: ImagingError.self) { try ImageDecoder(limits: small).decode(TestFiles.fixture("lossy.webp")) }
        #expect(webpError?.code == .tooLarge)
    }

    @Test func truncatedFilesOfEachFormatAreReportedAsTruncated() throws {
        let decoder = ImageDecoder()
        let png = try PNGEncoder().encode(TestFiles.realisticImage(width: 48, height: 48))
        let jpeg = try TestFiles.fixture("photo.jpg")
        let webp = try WebPEncoder().encode(TestFiles.realisticImage(width: 48, height: 48))
        for (name, data) in [("a.png", png), ("b.jpg", jpeg), ("c.webp", webp)] {
            let error = #expect(throws: ImagingError.self) { try decoder.decode(data.prefix(data.count * 2 / 3), name: name) }
            #expect(error?.code == .truncated, "\(name): \(String(describing: error))")
            #expect(error?.message.contains(name) == true)
        }
    }

    @Test func decoderDecodesEveryFixtureFormat() throws {
        let decoder = ImageDecoder()
        for name in ["rgb8.png", "palette_trns.png", "gray16.png", "photo.jpg", "gray.jpg", "lossy.webp", "lossless_alpha.webp"] {
            let decoded = try decoder.decode(TestFiles.fixture(name), name: name)
            #expect(decoded.pixels.width == decoded.info.width && decoded.pixels.height == decoded.info.height, "\(name)")
        }
    }
}
