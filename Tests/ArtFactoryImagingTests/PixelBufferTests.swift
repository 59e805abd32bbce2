import Testing
@testable import ArtFactoryImaging

@Suite struct PixelBufferTests {
    @Test func rejectsMismatchedByteCount() {
        #expect(throws: ImagingError.self) { try PixelBuffer(width: 2, height: 2, channels: 3, bytes: [0, 1, 2]) }
    }

    @Test func rejectsUnsupportedChannelCount() {
        let error = #expect(throws: ImagingError.self) { try PixelBuffer(width: 2, height: 2, channels: 2) }
        #expect(error?.code == .invalidArgument)
    }

    @Test func hugeSizesAreRefusedInsteadOfAllocated() throws {
        let error = #expect(throws: ImagingError.self) { try PixelBuffer(width: 900_000, height: 900_000, channels: 4) }
        #expect(error?.code == .tooLarge)
        let small = try PixelBuffer(width: 4, height: 4, channels: 3)
        #expect(throws: ImagingError.self) { try Resampler().resize(small, width: 1_000_000, height: 1_000_000) }
    }

    @Test func floatRoundTripIsExactAndChannelMajor() throws {
        let bytes = (0..<(5 * 3 * 4)).map { UInt8(($0 * 37) % 256) }
        let buffer = try PixelBuffer(width: 5, height: 3, channels: 4, bytes: bytes)
        let image = buffer.floatImage()
        #expect(image.shape == [4, 3, 5])
        // Pixel (x 1, y 2) channel 2 lives at channel * plane + y * width + x.
        let expected = Float(bytes[(2 * 5 + 1) * 4 + 2]) / 127.5 - 1
        #expect(abs(image.values[2 * 15 + 2 * 5 + 1] - expected) < 1e-6)
        #expect(image.values.allSatisfy { $0 >= -1 && $0 <= 1 })
        #expect(PixelBuffer(floatImage: image) == buffer)
    }

    @Test func floatConversionClampsOutOfRangeAndNaN() throws {
        // CHW planes: R = [-3, 2], G = [NaN, 0], B = [1, -1].
        let image = try FloatImage(shape: [3, 1, 2], values: [-3, 2, .nan, 0, 1, -1])
        let buffer = PixelBuffer(floatImage: image)
        #expect(buffer.bytes == [0, 0, 255, 255, 128, 0])
    }

    @Test func floatImageRejectsBadShape() {
        #expect(throws: ImagingError.self) { try FloatImage(shape: [2, 1, 1], values: [0, 0]) }
        #expect(throws: ImagingError.self) { try FloatImage(shape: [3, 2, 2], values: [0]) }
    }

    @Test func compositingOverWhiteAndAddingAlpha() throws {
        let rgba = try PixelBuffer(width: 2, height: 1, channels: 4, bytes: [0, 0, 0, 0, 200, 100, 50, 255])
        #expect(rgba.rgb().bytes == [255, 255, 255, 200, 100, 50])
        #expect(!rgba.isOpaque)
        let rgb = try PixelBuffer(width: 1, height: 1, channels: 3, bytes: [1, 2, 3])
        #expect(rgb.rgba().bytes == [1, 2, 3, 255])
        #expect(rgb.rgba().isOpaque)
    }
}
