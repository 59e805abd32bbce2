/// One chunk of a PNG file, located inside the file's bytes.
public struct PNGChunk: Sendable, Equatable {
    /// Four-letter chunk type, e.g. `IHDR`, `tEXt`.
    public let type: String
    /// Byte range of the chunk's data inside the file.
    public let dataRange: Range<Int>
    /// Byte range of the whole chunk (length, type, data, CRC) inside the file.
    public let fullRange: Range<Int>

    /// Whether the chunk is critical (upper-case first letter): a decoder must understand it.
    public var isCritical: Bool { type.first?.isUppercase ?? false }
}
