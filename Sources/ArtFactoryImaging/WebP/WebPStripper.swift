import Foundation

/// Removes `EXIF` and `XMP ` chunks from a WebP file by copying RIFF chunks (no re-encoding), clears the
/// matching flags in `VP8X` and rewrites the RIFF size. Colour profile (`ICCP`), alpha and animation chunks
/// are kept unless `keepColorProfile` is false.
public struct WebPStripper: Sendable {
    /// Keep the `ICCP` chunk (default true).
    public var keepColorProfile: Bool

    /// Creates a stripper.
    public init(keepColorProfile: Bool = true) {
        self.keepColorProfile = keepColorProfile
    }

    /// Returns the WebP without metadata chunks.
    /// - Throws: ``ImagingError`` `not_an_image`, `truncated` or `corrupt`.
    public func strip(_ data: Data) throws -> Data {
        try data.withUnsafeBytes { raw in
            guard ImageFormat.sniff(raw) == .webp else {
                throw ImagingError(.notAnImage, "the data is not a WebP (RIFF/WEBP) file")
            }
            let declared = WebPDecoder.declaredLength(raw)
            guard declared <= raw.count else {
                throw ImagingError(.truncated, "the WebP file is shorter than its header declares; it is incomplete")
            }
            var body = Data()
            var offset = 12
            var vp8xPosition: Int?
            while offset + 8 <= declared {
                let type = String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 4)]), as: UTF8.self)
                let size = Int(raw[offset + 4]) | Int(raw[offset + 5]) << 8 | Int(raw[offset + 6]) << 16 | Int(raw[offset + 7]) << 24
                let end = offset + 8 + size + (size & 1)
                guard offset + 8 + size <= declared else {
                    throw ImagingError(.truncated, "the WebP \(type) chunk runs past the end of the file")
                }
                let keep = type != "EXIF" && type != "XMP " && (keepColorProfile || type != "ICCP")
                if keep {
                    if type == "VP8X" { vp8xPosition = body.count + 8 }
                    body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[offset..<min(end, declared)]))
                    if end > declared { body.append(0) }  // odd-sized last chunk without its pad byte
                }
                offset = end
            }
            if let vp8xPosition, vp8xPosition < body.count {
                var flags = body[body.startIndex + vp8xPosition]
                flags &= ~UInt8(0x08 | 0x04)  // EXIF, XMP
                if !keepColorProfile { flags &= ~UInt8(0x20) }
                body[body.startIndex + vp8xPosition] = flags
            }
            let riffSize = UInt32(body.count + 4)
            var output = Data("RIFF".utf8)
            output.append(contentsOf: [UInt8(riffSize & 0xFF), UInt8(riffSize >> 8 & 0xFF), UInt8(riffSize >> 16 & 0xFF), UInt8(riffSize >> 24)])
            output.append(contentsOf: Array("WEBP".utf8))
            output.append(body)
            return output
        }
    }
}
