import Foundation
import Testing
@testable import ArtFactoryImaging

@Suite struct ResamplerTests {
    @Test(arguments: ResizeFilter.allCases)
    func flatColorStaysFlatAtAnyScale(filter: ResizeFilter) throws {
        let flat = try PixelBuffer(width: 50, height: 30, channels: 3, bytes: [UInt8](repeating: 0, count: 50 * 30 * 3).enumerated().map {
            [UInt8(200), 100, 7][$0.offset % 3]
        })
        for (width, height) in [(17, 9), (100, 60), (1, 1), (200, 7)] {
            let resized = try Resampler(filter: filter).resize(flat, width: width, height: height)
            #expect(resized.width == width && resized.height == height)
            #expect(resized.bytes.enumerated().allSatisfy { $0.element == [200, 100, 7][$0.offset % 3] })
        }
    }

    @Test func checkerboardAveragesToMidGrayWhenReduced() throws {
        var bytes = [UInt8]()
        for y in 0..<64 { for x in 0..<64 { bytes += [UInt8]( repeating: (x + y) % 2 == 0 ? 0 : 255, count: 3) } }
        let board = try PixelBuffer(width: 64, height: 64, channels: 3, bytes: bytes)
        for filter in ResizeFilter.allCases {
            let small = try Resampler(filter: filter).resize(board, width: 16, height: 16)
            #expect(small.bytes.allSatisfy { abs(Int($0) - 128) <= 3 }, "\(filter)")
        }
    }

    @Test func transparentPixelsDoNotDarkenEdges() throws {
        // Left half opaque white, right half fully transparent black: premultiplied resizing keeps white.
        var bytes = [UInt8]()
        for _ in 0..<8 { for x in 0..<8 { bytes += x < 4 ? [255, 255, 255, 255] : [0, 0, 0, 0] } }
        let image = try PixelBuffer(width: 8, height: 8, channels: 4, bytes: bytes)
        let small = try Resampler(filter: .triangle).resize(image, width: 3, height: 3)
        for x in 0..<3 {
            guard let alpha = small.value(x: x, y: 1, channel: 3), alpha > 8 else { continue }
            #expect(small.value(x: x, y: 1, channel: 0) ?? 0 >= 250)
        }
    }

    @Test func fitKeepsAspectAndNeverEnlarges() throws {
        let image = try TestFiles.realisticImage(width: 1000, height: 500)
        let fitted = try Resampler().fit(image, maxSide: 256)
        #expect(fitted.width == 256 && fitted.height == 128)
        let tiny = try TestFiles.realisticImage(width: 100, height: 40)
        #expect(try Resampler().fit(tiny, maxSide: 256) == tiny)
    }

    @Test func upscaleDoublesSizeAndStaysCloseToTheSource() throws {
        let image = try TestFiles.realisticImage(width: 40, height: 30, seed: 3)
        let big = try Resampler(filter: .lanczos3).upscale(image, factor: 2)
        #expect(big.width == 80 && big.height == 60)
        // Reducing the enlarged image again lands near the original.
        let back = try Resampler(filter: .box).resize(big, width: 40, height: 30)
        #expect(JPEGAndWebPTests.meanError(back, image) < 4)
        #expect(throws: ImagingError.self) { try Resampler().upscale(image, factor: 0) }
    }

    @Test func parallelBandsGiveTheSameResultAsOneBand() throws {
        // 1024 rows clears the parallel threshold; the reference is built from a 1-row-tall-band call.
        let image = try TestFiles.realisticImage(width: 1024, height: 1024)
        let parallel = try Resampler(filter: .lanczos3).resize(image, width: 256, height: 256)
        let horizontal = ResampleWeights(filter: .lanczos3, inputCount: 1024, outputCount: 256)
        let vertical = ResampleWeights(filter: .lanczos3, inputCount: 1024, outputCount: 256)
        var middle = [Float](repeating: 0, count: 1024 * 256 * 3)
        var serial = [UInt8](repeating: 0, count: 256 * 256 * 3)
        image.bytes.withUnsafeBufferPointer { source in
            middle.withUnsafeMutableBufferPointer { target in
                ResampleKernels.horizontal(source: source.baseAddress!, sourceWidth: 1024, channels: 3,
                                           target: target.baseAddress!, weights: horizontal, rows: 0..<1024)
            }
        }
        middle.withUnsafeBufferPointer { source in
            serial.withUnsafeMutableBufferPointer { target in
                ResampleKernels.vertical(source: source.baseAddress!, width: 256, channels: 3,
                                         target: target.baseAddress!, weights: vertical, rows: 0..<256)
            }
        }
        #expect(parallel.bytes == serial)
    }

    @Test func thumbnailIs256OnTheLongSideAndDecodes() throws {
        let image = try TestFiles.realisticImage(width: 768, height: 512)
        let thumbnail = try Thumbnailer().thumbnail(of: image)
        #expect(thumbnail.pixels.width == 256 && thumbnail.pixels.height == 171)
        let decoded = try WebPDecoder.decode(thumbnail.webp)
        #expect(decoded.width == 256 && decoded.height == 171)
        let fromPNG = try Thumbnailer().thumbnail(ofImage: PNGEncoder().encode(image))
        #expect(fromPNG.pixels == thumbnail.pixels)
        let translucent = try TestFiles.realisticImage(width: 300, height: 600, channels: 4)
        let alphaThumbnail = try WebPDecoder.decode(Thumbnailer().thumbnail(of: translucent).webp)
        #expect(alphaThumbnail.width == 128 && alphaThumbnail.height == 256 && alphaThumbnail.channels == 4)
        #expect(!alphaThumbnail.isOpaque)
    }
}
