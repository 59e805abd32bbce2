import CPNG
import Foundation

/// Walks the chunks of a PNG file, checking the signature, every length and every CRC.
///
/// Pure parsing: no pixel data is decoded. Safe on hostile input: lengths are bounded by the data,
/// and a file that stops in the middle of a chunk is reported as `truncated`.
public enum PNGChunkReader {
    /// The eight-byte PNG signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Returns every chunk up to and including `IEND`.
    /// - Parameter verifyCRC: check each chunk's CRC-32 (default true).
    /// - Throws: ``ImagingError`` `not_an_image` without the signature, `truncated` when the data stops
    ///   early or has no `IEND`, `corrupt` for a bad CRC, an oversized length or a bad chunk type.
    public static func chunks(in data: Data, verifyCRC: Bool = true) throws -> [PNGChunk] {
        try data.withUnsafeBytes { raw in try chunks(in: raw, verifyCRC: verifyCRC) }
    }

    static func chunks(in raw: UnsafeRawBufferPointer, verifyCRC: Bool) throws -> [PNGChunk] {
        guard raw.count >= 8, signature.indices.allSatisfy({ raw[$0] == signature[$0] }) else {
            throw ImagingError(.notAnImage, "the data does not start with the PNG signature")
        }
        var result: [PNGChunk] = []
        var offset = 8
        while true {
            guard offset + 12 <= raw.count else {
                throw ImagingError(.truncated, "the PNG file ends before its IEND chunk; the file is incomplete, copy it again")
            }
            let length = Int(readUInt32(raw, offset))
            guard length <= 0x7FFF_FFFF else {
                throw ImagingError(.corrupt, "a PNG chunk declares an impossible length \(length)")
            }
            let typeBytes = (0..<4).map { raw[offset + 4 + $0] }
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw ImagingError(.corrupt, "a PNG chunk at byte \(offset) has an invalid type")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let dataStart = offset + 8
            guard length <= raw.count - dataStart - 4 else {
                throw ImagingError(.truncated, "the PNG file ends inside its \(type) chunk; the file is incomplete, copy it again")
            }
            let dataEnd = dataStart + length
            if verifyCRC {
                let stored = readUInt32(raw, dataEnd)
                guard let base = raw.baseAddress else { throw ImagingError(.corrupt, "empty PNG data") }
                let computed = crc32(0, base.assumingMemoryBound(to: UInt8.self) + offset + 4, uInt(length + 4))
                guard stored == UInt32(truncatingIfNeeded: computed) else {
                    throw ImagingError(.corrupt, "the PNG \(type) chunk has a bad checksum; the file is damaged")
                }
            }
            result.append(PNGChunk(type: type, dataRange: dataStart..<dataEnd, fullRange: offset..<(dataEnd + 4)))
            offset = dataEnd + 4
            if type == "IEND" { return result }
            if result.count == 1, type != "IHDR" {
                throw ImagingError(.corrupt, "the first PNG chunk is \(type), not IHDR")
            }
        }
    }

    /// Reads width and height from the IHDR chunk without walking the rest of the file.
    /// - Throws: ``ImagingError`` `not_an_image` or `truncated`/`corrupt` when the header is unreadable.
    public static func dimensions(of raw: UnsafeRawBufferPointer) throws -> (width: Int, height: Int) {
        guard raw.count >= 8, signature.indices.allSatisfy({ raw[$0] == signature[$0] }) else {
            throw ImagingError(.notAnImage, "the data does not start with the PNG signature")
        }
        guard raw.count >= 33 else {
            throw ImagingError(.truncated, "the PNG file ends inside its header; the file is incomplete")
        }
        guard readUInt32(raw, 8) == 13, raw[12] == 0x49, raw[13] == 0x48, raw[14] == 0x44, raw[15] == 0x52 else {
            throw ImagingError(.corrupt, "the PNG file does not start with a valid IHDR chunk")
        }
        let width = Int(readUInt32(raw, 16)), height = Int(readUInt32(raw, 20))
        guard width > 0, height > 0, width <= 0x7FFF_FFFF, height <= 0x7FFF_FFFF else {
            throw ImagingError(.corrupt, "the PNG header declares an invalid size \(width)x\(height)")
        }
        return (width, height)
    }

    static func readUInt32(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(raw[offset]) << 24 | UInt32(raw[offset + 1]) << 16 | UInt32(raw[offset + 2]) << 8 | UInt32(raw[offset + 3])
    }
}
