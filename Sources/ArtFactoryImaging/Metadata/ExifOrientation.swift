import Foundation

/// The EXIF `Orientation` tag (0x0112): how a camera's stored pixels must be turned to display upright.
/// Decoding drops EXIF, so ``ImageDecoder`` applies the orientation to the pixels instead.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case up = 1, flipHorizontal, rotate180, flipVertical, transpose, rotate90Clockwise, transverse, rotate90CounterClockwise

    /// Reads the orientation from a TIFF-structured EXIF block (optionally prefixed with `Exif\0\0`).
    /// Returns nil when absent or malformed; never traps on bad input.
    public static func read(fromEXIF bytes: UnsafeRawBufferPointer) -> ExifOrientation? {
        var base = 0
        if bytes.count >= 6, bytes[0] == 0x45, bytes[1] == 0x78, bytes[2] == 0x69, bytes[3] == 0x66, bytes[4] == 0, bytes[5] == 0 {
            base = 6
        }
        guard bytes.count >= base + 8 else { return nil }
        let little: Bool
        switch (bytes[base], bytes[base + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ offset: Int) -> Int? {
            guard offset >= 0, offset + 2 <= bytes.count else { return nil }
            return little ? Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 : Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        }
        func u32(_ offset: Int) -> Int? {
            guard let high = u16(little ? offset + 2 : offset), let low = u16(little ? offset : offset + 2) else { return nil }
            return high << 16 | low
        }
        guard let ifd = u32(base + 4), let count = u16(base + ifd) else { return nil }
        for entry in 0..<min(count, 512) {
            let position = base + ifd + 2 + entry * 12
            guard let tag = u16(position) else { return nil }
            if tag == 0x0112 {
                guard let type = u16(position + 2), type == 3, let value = u16(position + 8) else { return nil }
                return ExifOrientation(rawValue: value)
            }
        }
        return nil
    }

    /// Finds the orientation in a JPEG's APP1 `Exif` segment.
    public static func read(fromJPEG raw: UnsafeRawBufferPointer) -> ExifOrientation? {
        guard raw.count >= 4, raw[0] == 0xFF, raw[1] == 0xD8 else { return nil }
        var offset = 2
        while offset + 4 <= raw.count, raw[offset] == 0xFF {
            let marker = raw[offset + 1]
            if marker == 0xDA || marker == 0xD9 { return nil }
            let length = Int(raw[offset + 2]) << 8 | Int(raw[offset + 3])
            guard length >= 2, offset + 2 + length <= raw.count else { return nil }
            if marker == 0xE1 {
                let payload = UnsafeRawBufferPointer(rebasing: raw[(offset + 4)..<(offset + 2 + length)])
                if payload.starts(with: Array("Exif".utf8)), let found = read(fromEXIF: payload) { return found }
            }
            offset += 2 + length
        }
        return nil
    }

    /// Finds the orientation in a WebP `EXIF` chunk.
    public static func read(fromWebP raw: UnsafeRawBufferPointer) -> ExifOrientation? {
        guard ImageFormat.sniff(raw) == .webp else { return nil }
        var offset = 12
        while offset + 8 <= raw.count {
            let size = Int(raw[offset + 4]) | Int(raw[offset + 5]) << 8 | Int(raw[offset + 6]) << 16 | Int(raw[offset + 7]) << 24
            guard offset + 8 + size <= raw.count else { return nil }
            if raw[offset] == 0x45, raw[offset + 1] == 0x58, raw[offset + 2] == 0x49, raw[offset + 3] == 0x46 {
                return read(fromEXIF: UnsafeRawBufferPointer(rebasing: raw[(offset + 8)..<(offset + 8 + size)]))
            }
            offset += 8 + size + (size & 1)
        }
        return nil
    }
}
