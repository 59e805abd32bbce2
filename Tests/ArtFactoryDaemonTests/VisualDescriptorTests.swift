import ArtFactoryImaging
import Foundation
import Testing
@testable import ArtFactoryDaemon

/// Synthetic pictures for the similarity tests: discs, squares and noise on a background.
enum SimilarFixtures {
    typealias RGB = (UInt8, UInt8, UInt8)
    static let white: RGB = (245, 245, 240)
    static let red: RGB = (210, 30, 35)
    static let blue: RGB = (30, 60, 200)

    /// A `side`² RGB image: a disc of `colour` centred at (cx, cy) with radius r (fractions of the side).
    static func disc(side: Int, cx: Double, cy: Double, r: Double, colour: RGB = red, background: RGB = white) throws -> PixelBuffer {
        try draw(side: side, background: background) { x, y in
            let dx = x - cx, dy = y - cy
            return dx * dx + dy * dy <= r * r ? colour : nil
        }
    }

    /// A centred axis-aligned square of half-width `half` (fraction of the side).
    static func square(side: Int, half: Double, colour: RGB = blue, background: RGB = white) throws -> PixelBuffer {
        try draw(side: side, background: background) { x, y in abs(x - 0.5) <= half && abs(y - 0.5) <= half ? colour : nil }
    }

    /// Green noise: every pixel a random green, deterministic from `seed`.
    static func greenNoise(side: Int, seed: UInt64 = 7) throws -> PixelBuffer {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: side * side * 3)
        for i in 0..<(side * side) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let v = Int(state >> 56)
            bytes[3 * i] = UInt8(v / 4)
            bytes[3 * i + 1] = UInt8(60 + v * 3 / 4)
            bytes[3 * i + 2] = UInt8(v / 5)
        }
        return try PixelBuffer(width: side, height: side, channels: 3, bytes: bytes)
    }

    /// Pixels from `shape(x, y)` (pixel centres as fractions of the side; `nil` = background).
    static func draw(side: Int, background: RGB, _ shape: (Double, Double) -> RGB?) throws -> PixelBuffer {
        var bytes = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let c = shape((Double(x) + 0.5) / Double(side), (Double(y) + 0.5) / Double(side)) ?? background
                let i = 3 * (y * side + x)
                bytes[i] = c.0; bytes[i + 1] = c.1; bytes[i + 2] = c.2
            }
        }
        return try PixelBuffer(width: side, height: side, channels: 3, bytes: bytes)
    }

    /// The image mirrored left to right.
    static func mirrored(_ p: PixelBuffer) throws -> PixelBuffer {
        var bytes = p.bytes
        for y in 0..<p.height {
            for x in 0..<p.width {
                for k in 0..<p.channels {
                    bytes[(y * p.width + x) * p.channels + k] = p.bytes[(y * p.width + (p.width - 1 - x)) * p.channels + k]
                }
            }
        }
        return try PixelBuffer(width: p.width, height: p.height, channels: p.channels, bytes: bytes)
    }
}

/// The `visual-v1` descriptor on its own: what it must and must not be sensitive to.
@Suite struct VisualDescriptorTests {
    @Test func identicalPixelsScoreOneAndTheBytesRoundTrip() throws {
        let image = try SimilarFixtures.disc(side: 96, cx: 0.3, cy: 0.5, r: 0.2)
        let a = VisualDescriptor(pixels: image), b = VisualDescriptor(pixels: image)
        #expect(a == b)
        #expect(a.values.count == VisualDescriptor.count && VisualDescriptor.count == 353)
        let s = a.similarity(to: b)
        #expect(s.total == 1 && s.layout == 1 && s.color == 1 && s.edges == 1, "\(s)")
        let data = a.data
        #expect(data.count == 353 * 4)
        let back = try #require(VisualDescriptor(data: data))
        #expect(back == a)
        #expect(VisualDescriptor(data: data.dropLast(4)) == nil)
        // The histogram blocks are distributions.
        let colorSum = a.values[VisualDescriptor.layoutCount..<(VisualDescriptor.layoutCount + VisualDescriptor.colorCount)].reduce(0, +)
        let edgeSum = a.values[(VisualDescriptor.layoutCount + VisualDescriptor.colorCount)...].reduce(0, +)
        #expect(abs(colorSum - 1) < 1e-4 && abs(edgeSum - 1) < 1e-4, "\(colorSum) \(edgeSum)")
    }

    @Test func colourHistogramIgnoresArrangementButLayoutDoesNot() throws {
        let image = try SimilarFixtures.disc(side: 128, cx: 0.25, cy: 0.4, r: 0.18)
        let mirror = try SimilarFixtures.mirrored(image)
        let s = VisualDescriptor(pixels: image).similarity(to: VisualDescriptor(pixels: mirror))
        // The same colours in the same amounts: the colour part cannot tell them apart...
        #expect(s.color > 0.99999, "\(s)")
        // ...but the disc moved from left to right, and layout sees that.
        #expect(s.layout < 0.9, "\(s)")
        #expect(s.total < 1)
    }

    @Test func theSamePictureAtAnotherSizeStaysAlike() throws {
        let big = VisualDescriptor(pixels: try SimilarFixtures.disc(side: 256, cx: 0.3, cy: 0.5, r: 0.2))
        let small = VisualDescriptor(pixels: try SimilarFixtures.disc(side: 80, cx: 0.3, cy: 0.5, r: 0.2))
        let s = big.similarity(to: small)
        #expect(s.total > 0.95, "\(s)")
    }

    @Test func nearDuplicatesRankAboveSharedBackgroundsAboveUnrelatedNoise() throws {
        let query = VisualDescriptor(pixels: try SimilarFixtures.disc(side: 96, cx: 0.3, cy: 0.5, r: 0.2))
        let shifted = VisualDescriptor(pixels: try SimilarFixtures.disc(side: 96, cx: 0.34, cy: 0.5, r: 0.2))
        let square = VisualDescriptor(pixels: try SimilarFixtures.square(side: 96, half: 0.18))
        let noise = VisualDescriptor(pixels: try SimilarFixtures.greenNoise(side: 96))
        let toShifted = query.similarity(to: shifted).total
        let toSquare = query.similarity(to: square).total
        let toNoise = query.similarity(to: noise).total
        #expect(toShifted > 0.85, "shifted \(toShifted)")
        #expect(toShifted > toSquare && toSquare > toNoise, "shifted \(toShifted), square \(toSquare), noise \(toNoise)")
        #expect(toNoise < 0.3, "noise \(toNoise)")
        // Symmetric.
        let back = square.similarity(to: query).total
        #expect(back == toSquare)
    }

    @Test func alphaIsCompositedOnWhite() throws {
        let clear = try PixelBuffer(width: 40, height: 40, channels: 4, filledWith: 0)
        let white = try PixelBuffer(width: 40, height: 40, channels: 3, filledWith: 255)
        let s = VisualDescriptor(pixels: clear).similarity(to: VisualDescriptor(pixels: white))
        #expect(s.total == 1, "\(s)")
        var opaque = try PixelBuffer(width: 40, height: 40, channels: 4, filledWith: 90)
        for i in stride(from: 3, to: opaque.bytes.count, by: 4) { opaque.bytes[i] = 255 }
        let gray = try PixelBuffer(width: 40, height: 40, channels: 3, filledWith: 90)
        let opaqueDescriptor = VisualDescriptor(pixels: opaque)
        #expect(opaqueDescriptor == VisualDescriptor(pixels: gray))
        #expect(opaqueDescriptor.similarity(to: VisualDescriptor(pixels: white)).total < 0.9)
    }
}
