/// Limits enforced before any image is decoded.
public struct ImageLimits: Sendable, Equatable, Codable {
    /// Largest file accepted, in bytes.
    public var maxBytes: Int
    /// Largest image accepted, in pixels (width × height), checked from the header before decoding.
    public var maxPixels: Int

    /// Creates limits.
    public init(maxBytes: Int, maxPixels: Int) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
    }

    /// 100 MiB and 64 megapixels (an 8192×8192 image).
    public static let `default` = ImageLimits(maxBytes: 100 << 20, maxPixels: 8192 * 8192)
}
