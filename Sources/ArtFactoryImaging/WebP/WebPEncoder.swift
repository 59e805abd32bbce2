import CWebP
import Foundation

/// Encodes pixels to WebP with libwebp's simple API (lossy at a quality, or lossless).
/// Thread-safe value type.
public struct WebPEncoder: Sendable {
    /// Lossy quality 0...100 (thumbnails use 80).
    public var quality: Float
    /// Write lossless WebP instead (quality is then ignored).
    public var lossless: Bool

    /// WebP's largest side.
    public static let maximumSide = 16383

    /// Creates an encoder.
    public init(quality: Float = 80, lossless: Bool = false) {
        self.quality = quality
        self.lossless = lossless
    }

    /// Encodes `buffer`; an RGBA buffer keeps its alpha.
    /// - Throws: ``ImagingError`` `invalid_argument` for quality outside 0...100 or sides over 16383,
    ///   `encode_failed` when libwebp fails.
    public func encode(_ buffer: PixelBuffer) throws -> Data {
        guard quality >= 0, quality <= 100 else {
            throw ImagingError(.invalidArgument, "WebP quality must be 0...100, got \(quality)")
        }
        guard buffer.width <= Self.maximumSide, buffer.height <= Self.maximumSide else {
            throw ImagingError(.invalidArgument,
                               "WebP cannot hold \(buffer.width)x\(buffer.height); resize below \(Self.maximumSide) px per side first")
        }
        var output: UnsafeMutablePointer<UInt8>?
        let width = Int32(buffer.width), height = Int32(buffer.height), stride = Int32(buffer.rowBytes)
        let size: Int = buffer.bytes.withUnsafeBufferPointer { pixels in
            guard let base = pixels.baseAddress else { return 0 }
            switch (buffer.channels, lossless) {
            case (4, false): return WebPEncodeRGBA(base, width, height, stride, quality, &output)
            case (4, true): return WebPEncodeLosslessRGBA(base, width, height, stride, &output)
            case (_, false): return WebPEncodeRGB(base, width, height, stride, quality, &output)
            case (_, true): return WebPEncodeLosslessRGB(base, width, height, stride, &output)
            }
        }
        guard size > 0, let output else {
            if let output { WebPFree(output) }
            throw ImagingError(.encodeFailed, "libwebp could not encode the \(buffer.width)x\(buffer.height) image")
        }
        defer { WebPFree(output) }
        return Data(bytes: output, count: size)
    }
}
