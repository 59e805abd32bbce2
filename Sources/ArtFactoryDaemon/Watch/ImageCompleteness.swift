import ArtFactoryImaging
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

    /// Classifies `data`, the whole current content of a file. Which format it is comes from the
    /// one sniffer, ``ImageFormat``; this type only judges whether the file is whole.
    static func check(_ data: Data) -> ImageCompleteness {
        let bytes = [UInt8](data)
        if bytes.isEmpty || ImageFormat.partialSignature(bytes) != nil { return .incomplete }
        switch ImageFormat.allCases.first(where: { bytes.starts(with: $0.signature) }) {
        case .png?: return png(bytes)
        case .jpeg?: return jpeg(bytes)
        case .webp?: return webp(bytes)
        case nil: return .invalid("it is not a PNG, JPEG or WebP image")
        }
    }

    private static func png(_ b: [UInt8]) -> ImageCompleteness {
        var offset = ImageFormat.png.signature.count
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
            let formAt = ImageFormat.webpFormOffset
            return b.count <= formAt || ImageFormat.webpForm.starts(with: b[formAt...]) ? .incomplete : .invalid("it is a RIFF file but not WebP")
        }
        guard ImageFormat.sniff(b) == .webp else { return .invalid("it is a RIFF file but not WebP") }
        let size = Int(b[4]) | Int(b[5]) << 8 | Int(b[6]) << 16 | Int(b[7]) << 24
        return b.count >= size + 8 ? .complete : .incomplete
    }
}
