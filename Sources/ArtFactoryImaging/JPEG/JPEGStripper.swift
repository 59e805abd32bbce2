import Foundation

/// Removes metadata from a JPEG by copying marker segments, without re-encoding (no quality loss).
///
/// Dropped: APP1 (EXIF, XMP), APP3-APP13 (IPTC, vendor blocks), APP15, COM, and anything after the end
/// marker (camera trailers). Kept: APP0 (JFIF), APP14 (Adobe colour transform, needed to decode colours
/// correctly), APP2 ICC profiles unless `keepColorProfile` is false, and every coding segment.
/// Note: EXIF orientation goes with EXIF, so a rotated-by-tag photo shows unrotated.
public struct JPEGStripper: Sendable {
    /// Keep `APP2 ICC_PROFILE` segments (default true).
    public var keepColorProfile: Bool

    /// Creates a stripper.
    public init(keepColorProfile: Bool = true) {
        self.keepColorProfile = keepColorProfile
    }

    /// Returns the JPEG without metadata segments.
    /// - Throws: ``ImagingError`` `not_an_image`, `truncated` (no end marker, segment past the end) or `corrupt`.
    public func strip(_ data: Data) throws -> Data {
        try data.withUnsafeBytes { raw in
            guard raw.count >= 4, raw[0] == 0xFF, raw[1] == 0xD8 else {
                throw ImagingError(.notAnImage, "the data does not start with a JPEG marker")
            }
            var output = Data([0xFF, 0xD8])
            output.reserveCapacity(raw.count)
            var offset = 2
            while true {
                guard offset + 4 <= raw.count else {
                    throw ImagingError(.truncated, "the JPEG file ends before its image data; the file is incomplete")
                }
                guard raw[offset] == 0xFF else {
                    throw ImagingError(.corrupt, "the JPEG marker structure is damaged at byte \(offset)")
                }
                let marker = raw[offset + 1]
                if marker == 0xFF { offset += 1; continue }
                if marker == 0xD9 { throw ImagingError(.corrupt, "the JPEG ends before any image data") }
                if marker == 0x01 || (0xD0...0xD7).contains(marker) { offset += 2; continue }
                let length = Int(raw[offset + 2]) << 8 | Int(raw[offset + 3])
                guard length >= 2, offset + 2 + length <= raw.count else {
                    throw ImagingError(.truncated, "a JPEG segment runs past the end of the file; the file is incomplete")
                }
                let segment = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 2 + length)])
                if marker == 0xDA {
                    // Start of scan: copy everything through the end marker (progressive scans included).
                    guard let end = endOfImage(raw, from: offset + 2 + length) else {
                        throw ImagingError(.truncated, "the JPEG file has no end marker; it is incomplete")
                    }
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                    return output
                }
                if keeps(marker: marker, payload: UnsafeRawBufferPointer(rebasing: segment[4...])) {
                    output.append(contentsOf: segment)
                }
                offset += 2 + length
            }
        }
    }

    func keeps(marker: UInt8, payload: UnsafeRawBufferPointer) -> Bool {
        switch marker {
        case 0xE0, 0xEE: return true  // JFIF, Adobe
        case 0xE2: return keepColorProfile && payload.starts(with: Array("ICC_PROFILE".utf8))
        case 0xE1, 0xE3...0xED, 0xEF, 0xFE: return false  // EXIF/XMP, other APPn, COM
        default: return true  // DQT, DHT, SOFn, DRI, DNL, ...
        }
    }

    /// Index just past the first FFD9 at or after `start` (inside scans FF is always stuffed or a marker).
    func endOfImage(_ raw: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index + 1 < raw.count {
            if raw[index] == 0xFF, raw[index + 1] == 0xD9 { return index + 2 }
            index += 1
        }
        return nil
    }
}
