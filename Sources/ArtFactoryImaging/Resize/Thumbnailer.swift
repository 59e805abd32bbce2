import Foundation

/// Makes gallery thumbnails: the image scaled so its long side is `maxSide` (never enlarged), encoded
/// as lossy WebP. Thread-safe value type.
public struct Thumbnailer: Sendable {
    /// Long side of the thumbnail in pixels (gallery: 256).
    public var maxSide: Int
    /// WebP quality (gallery: 80).
    public var quality: Float
    /// The resampler used to reduce.
    public var resampler: Resampler

    /// Creates a thumbnailer; defaults are the gallery's (256 px, q80).
    public init(maxSide: Int = 256, quality: Float = 80, filter: ResizeFilter = .triangle) {
        self.maxSide = maxSide
        self.quality = quality
        self.resampler = Resampler(filter: filter)
    }

    /// Reduces `pixels` and encodes WebP. Returns the reduced pixels and the WebP bytes.
    /// - Throws: ``ImagingError`` from the resampler or the encoder.
    public func thumbnail(of pixels: PixelBuffer) throws -> (pixels: PixelBuffer, webp: Data) {
        let reduced = try resampler.fit(pixels, maxSide: maxSide)
        let webp = try WebPEncoder(quality: quality).encode(reduced)
        return (reduced, webp)
    }

    /// Decodes an image file's bytes (PNG, JPEG or WebP, within `limits`) and makes its thumbnail.
    public func thumbnail(ofImage data: Data, name: String = "the image",
                          limits: ImageLimits = .default) throws -> (pixels: PixelBuffer, webp: Data) {
        let decoded = try ImageDecoder(limits: limits).decode(data, name: name)
        return try thumbnail(of: decoded.pixels)
    }
}
