/// The image formats ArtFactory reads.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable, Codable {
    case png, jpeg, webp

    /// MIME type, e.g. `image/png`.
    public var mimeType: String {
        switch self {
        case .png: return "image/png"
        case .jpeg: return "image/jpeg"
        case .webp: return "image/webp"
        }
    }

    /// Usual file extension without the dot.
    public var fileExtension: String {
        switch self {
        case .png: return "png"
        case .jpeg: return "jpg"
        case .webp: return "webp"
        }
    }

    /// Recognises a format from its magic bytes; nil when the bytes are none of PNG, JPEG, WebP.
    public static func sniff(_ raw: UnsafeRawBufferPointer) -> ImageFormat? {
        if raw.count >= 8, PNGChunkReader.signature.indices.allSatisfy({ raw[$0] == PNGChunkReader.signature[$0] }) {
            return .png
        }
        if raw.count >= 3, raw[0] == 0xFF, raw[1] == 0xD8, raw[2] == 0xFF { return .jpeg }
        if raw.count >= 12, raw[0] == 0x52, raw[1] == 0x49, raw[2] == 0x46, raw[3] == 0x46,
           raw[8] == 0x57, raw[9] == 0x45, raw[10] == 0x42, raw[11] == 0x50 {
            return .webp
        }
        return nil
    }
}
