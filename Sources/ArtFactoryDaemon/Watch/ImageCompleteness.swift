import Foundation

/// Tells a whole image file from one still being written, by its structure alone (no decoding).
///
/// Exporters (Figma, browsers, image editors) often write a file in several steps, so a file in a
/// watched folder may be cut short when it is first seen. This check is cheap and conservative:
/// - PNG: the chunk chain is walked from the signature; complete once an `IEND` chunk fits in the file.
/// - JPEG: complete once the data ends with the end-of-image marker (`FF D9`).
/// - WebP: complete once the file is as long as its RIFF header says.
/// A prefix of a valid signature (or an empty file) is `incomplete`; anything else is `invalid`.
/// Passing this check does not make a file valid: the importer still decodes it fully.
enum ImageCompleteness: Equatable {
    case complete
    case incomplete
    case invalid(String)

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// Classifies `data`, the whole current content of a file.
    static func check(_ data: Data) -> ImageCompleteness {
        let bytes = [UInt8](data)
        if bytes.isEmpty { return .incomplete }
        if isPrefix(bytes, of: pngSignature) || isPrefix(bytes, of: jpegSignature) || isPrefix(bytes, of: Array("RIFF".utf8)) {
            return .incomplete
        }
        if bytes.starts(with: pngSignature) { return png(bytes) }
        if bytes.starts(with: jpegSignature) { return jpeg(bytes) }
        if bytes.starts(with: Array("RIFF".utf8)) { return webp(bytes) }
        return .invalid("it is not a PNG, JPEG or WebP image")
    }

    /// Whether `bytes` is a proper prefix of `signature` (too short to tell yet).
    private static func isPrefix(_ bytes: [UInt8], of signature: [UInt8]) -> Bool {
        bytes.count < signature.count && signature.starts(with: bytes)
    }

    private static func png(_ b: [UInt8]) -> ImageCompleteness {
        var offset = pngSignature.count
        while true {
            guard offset + 8 <= b.count else { return .incomplete }
            let length = Int(b[offset]) << 24 | Int(b[offset + 1]) << 16 | Int(b[offset + 2]) << 8 | Int(b[offset + 3])
            guard length <= 0x7FFF_FFFF else { return .invalid("it has a PNG chunk longer than the format allows") }
            let type = b[(offset + 4)..<(offset + 8)]
            guard type.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }) else {
                return .invalid("its PNG chunk structure is damaged")
            }
            let end = offset + 12 + length
            guard end <= b.count else { return .incomplete }
            if type.elementsEqual("IEND".utf8) { return .complete }
            offset = end
        }
    }

    private static func jpeg(_ b: [UInt8]) -> ImageCompleteness {
        b.count >= 4 && b[b.count - 2] == 0xFF && b[b.count - 1] == 0xD9 ? .complete : .incomplete
    }

    private static func webp(_ b: [UInt8]) -> ImageCompleteness {
        guard b.count >= 12 else {
            let form = Array("WEBP".utf8)
            return b.count <= 8 || form.starts(with: b[8...]) ? .incomplete : .invalid("it is a RIFF file but not WebP")
        }
        guard b[8..<12].elementsEqual("WEBP".utf8) else { return .invalid("it is a RIFF file but not WebP") }
        let size = Int(b[4]) | Int(b[5]) << 8 | Int(b[6]) << 16 | Int(b[7]) << 24
        return b.count >= size + 8 ? .complete : .incomplete
    }
}
