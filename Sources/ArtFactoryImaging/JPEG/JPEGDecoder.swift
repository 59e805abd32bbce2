import CImagingShims
import Foundation

/// Decodes JPEG (baseline and progressive; gray, YCbCr, CMYK) to 8-bit RGB with libjpeg-turbo.
///
/// Errors never exit the process: a C shim installs an error manager that longjmps back and reports.
/// EXIF and every other APPn segment are dropped by decoding to pixels.
public enum JPEGDecoder {
    /// Reads width and height from the first SOF marker without decoding.
    /// - Throws: ``ImagingError`` `not_an_image`, `truncated` when the data ends before a frame header,
    ///   `corrupt` for a malformed marker structure.
    public static func dimensions(of raw: UnsafeRawBufferPointer) throws -> (width: Int, height: Int) {
        guard raw.count >= 3, raw[0] == 0xFF, raw[1] == 0xD8, raw[2] == 0xFF else {
            throw ImagingError(.notAnImage, "the data does not start with a JPEG marker")
        }
        var offset = 2
        while offset + 4 <= raw.count {
            guard raw[offset] == 0xFF else {
                throw ImagingError(.corrupt, "the JPEG marker structure is damaged at byte \(offset)")
            }
            let marker = raw[offset + 1]
            if marker == 0xFF { offset += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { offset += 2; continue }
            if marker == 0xD9 || marker == 0xDA {
                throw ImagingError(.corrupt, "the JPEG has no frame header before its image data")
            }
            let length = Int(raw[offset + 2]) << 8 | Int(raw[offset + 3])
            guard length >= 2 else { throw ImagingError(.corrupt, "a JPEG segment declares length \(length)") }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                guard offset + 9 <= raw.count else { break }
                let height = Int(raw[offset + 5]) << 8 | Int(raw[offset + 6])
                let width = Int(raw[offset + 7]) << 8 | Int(raw[offset + 8])
                guard width > 0, height > 0 else {
                    throw ImagingError(.corrupt, "the JPEG frame header declares size \(width)x\(height)")
                }
                return (width, height)
            }
            offset += 2 + length
        }
        throw ImagingError(.truncated, "the JPEG file ends before its frame header; the file is incomplete")
    }

    /// Whether the image data after the first start-of-scan ends with an EOI marker (FFD9). Markers inside
    /// APPn segments (an EXIF thumbnail's own EOI) are skipped, so a cut file with a thumbnail is still caught;
    /// trailing bytes after EOI (camera trailers) are allowed.
    public static func hasEndMarker(_ raw: UnsafeRawBufferPointer) -> Bool {
        guard raw.count >= 4, raw[0] == 0xFF, raw[1] == 0xD8 else { return false }
        var offset = 2
        // Walk marker segments up to SOS.
        while offset + 4 <= raw.count {
            guard raw[offset] == 0xFF else { return false }
            let marker = raw[offset + 1]
            if marker == 0xFF { offset += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { offset += 2; continue }
            if marker == 0xD9 { return false }
            let length = Int(raw[offset + 2]) << 8 | Int(raw[offset + 3])
            if marker == 0xDA { offset += 2 + length; break }
            offset += 2 + length
        }
        guard offset < raw.count else { return false }
        var index = offset
        while index + 1 < raw.count {
            if raw[index] == 0xFF, raw[index + 1] == 0xD9 { return true }
            index += 1
        }
        return false
    }

    /// Decodes a JPEG file to RGB.
    /// - Throws: ``ImagingError`` `truncated`, `corrupt`, `too_large` or `not_an_image`.
    public static func decode(_ data: Data, maxPixels: Int = ImageLimits.default.maxPixels) throws -> PixelBuffer {
        try data.withUnsafeBytes { raw in
            let size = try dimensions(of: raw)
            guard size.width * size.height <= maxPixels else {
                throw ImagingError(.tooLarge, "the JPEG is \(size.width)x\(size.height), over the limit of \(maxPixels) pixels")
            }
            guard let base = raw.baseAddress else { throw ImagingError(.notAnImage, "the data is empty") }
            var output: UnsafeMutablePointer<UInt8>?
            var width: UInt32 = 0, height: UInt32 = 0
            var channels: Int32 = 0
            var message = [CChar](repeating: 0, count: 256)
            let status = af_jpeg_decode(base.assumingMemoryBound(to: UInt8.self), raw.count, UInt64(maxPixels),
                                        &output, &width, &height, &channels, &message, message.count)
            let cause = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            switch status {
            case AF_OK:
                guard let output else { throw ImagingError(.corrupt, "libjpeg returned no pixels") }
                defer { af_free(output) }
                let bytes = [UInt8](UnsafeBufferPointer(start: output, count: Int(width) * Int(height) * 3))
                return PixelBuffer(uncheckedWidth: Int(width), height: Int(height), channels: 3, bytes: bytes)
            case AF_ERR_TOO_LARGE:
                throw ImagingError(.tooLarge, "the JPEG is over the limit of \(maxPixels) pixels", cause: cause)
            case AF_ERR_TRUNCATED:
                throw ImagingError(.truncated, "the JPEG file is incomplete; copy or download it again", cause: cause)
            case AF_ERR_NOMEM:
                throw ImagingError(.tooLarge, "not enough memory to decode the JPEG", cause: cause)
            default:
                throw ImagingError(.corrupt, "the JPEG file is damaged or unsupported", cause: cause)
            }
        }
    }
}
