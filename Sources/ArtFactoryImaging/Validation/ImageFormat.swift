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

    /// The bytes a file of this format starts with (WebP: the RIFF container's; its `WEBP` form
    /// type follows at ``webpFormOffset``).
    public var signature: [UInt8] {
        switch self {
        case .png: return PNGChunkReader.signature
        case .jpeg: return [0xFF, 0xD8, 0xFF]
        case .webp: return Array("RIFF".utf8)
        }
    }

    /// Where a RIFF container names its form type, and the form type of WebP.
    public static let webpFormOffset = 8
    public static let webpForm: [UInt8] = Array("WEBP".utf8)

    /// Recognises a format from its magic bytes; nil when the bytes are none of PNG, JPEG, WebP.
    /// The one sniffer: the importer, the watched folders' completeness check and the remote
    /// executor all ask it.
    public static func sniff(_ raw: UnsafeRawBufferPointer) -> ImageFormat? {
        sniff(Array(raw.prefix(webpFormOffset + webpForm.count)))
    }

    /// ``sniff(_:)`` over the first bytes of a file.
    public static func sniff(_ bytes: [UInt8]) -> ImageFormat? {
        guard let format = allCases.first(where: { bytes.starts(with: $0.signature) }) else { return nil }
        guard format == .webp else { return format }
        let form = bytes.dropFirst(webpFormOffset).prefix(webpForm.count)
        return form.elementsEqual(webpForm) ? .webp : nil
    }

    /// The format these bytes are a proper prefix of the signature of: too short to tell yet,
    /// though they may become one (a file still being written).
    public static func partialSignature(_ bytes: [UInt8]) -> ImageFormat? {
        allCases.first { bytes.count < $0.signature.count && $0.signature.starts(with: bytes) }
    }
}
