/// What a probe learned from a file's header, without decoding pixels.
public struct ImageInfo: Sendable, Equatable {
    /// Detected format.
    public let format: ImageFormat
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// File size in bytes.
    public let byteCount: Int
}
