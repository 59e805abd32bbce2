/// An image decoded from a file, with where it came from.
public struct DecodedImage: Sendable, Equatable {
    /// Header facts (format, size, bytes) of the file as stored.
    public let info: ImageInfo
    /// The pixels, RGB or RGBA 8-bit, upright: for EXIF orientations 5-8 width and height are swapped
    /// relative to `info`.
    public let pixels: PixelBuffer
}
