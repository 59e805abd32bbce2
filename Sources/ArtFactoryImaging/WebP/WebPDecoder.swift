import CWebP
import Foundation

/// Decodes still WebP images (lossy, lossless, with or without alpha) to RGB or RGBA with libwebp.
public enum WebPDecoder {
    /// Reads size and alpha from the header without decoding.
    /// - Throws: ``ImagingError`` `truncated` when the RIFF size says more bytes should follow,
    ///   `corrupt` when libwebp cannot parse the header.
    public static func features(of raw: UnsafeRawBufferPointer) throws -> (width: Int, height: Int, hasAlpha: Bool, animated: Bool) {
        guard raw.count >= 12, let base = raw.baseAddress else {
            throw ImagingError(.truncated, "the WebP file ends inside its header; the file is incomplete")
        }
        var features = WebPBitstreamFeatures()
        let status = WebPGetFeatures(base.assumingMemoryBound(to: UInt8.self), raw.count, &features)
        guard status == VP8_STATUS_OK else {
            if status == VP8_STATUS_NOT_ENOUGH_DATA || declaredLength(raw) > raw.count {
                throw ImagingError(.truncated, "the WebP file is incomplete; copy or download it again")
            }
            throw ImagingError(.corrupt, "the WebP header is damaged or unsupported", cause: "VP8StatusCode \(status.rawValue)")
        }
        return (Int(features.width), Int(features.height), features.has_alpha != 0, features.has_animation != 0)
    }

    /// Decodes a WebP file. Alpha is kept (RGBA) when the file has it.
    /// - Throws: ``ImagingError`` `truncated`, `corrupt` (including animated files) or `too_large`.
    public static func decode(_ data: Data, maxPixels: Int = ImageLimits.default.maxPixels) throws -> PixelBuffer {
        try data.withUnsafeBytes { raw in
            let info = try features(of: raw)
            guard !info.animated else {
                throw ImagingError(.corrupt, "animated WebP is not supported; export a single frame as PNG")
            }
            guard info.width > 0, info.height > 0, info.width * info.height <= maxPixels else {
                throw ImagingError(.tooLarge, "the WebP is \(info.width)x\(info.height), over the limit of \(maxPixels) pixels")
            }
            if declaredLength(raw) > raw.count {
                throw ImagingError(.truncated, "the WebP file is incomplete; copy or download it again")
            }
            let channels = info.hasAlpha ? 4 : 3
            var pixels = [UInt8](repeating: 0, count: info.width * info.height * channels)
            let stride = Int32(info.width * channels)
            let ok: Bool = pixels.withUnsafeMutableBufferPointer { target in
                guard let source = raw.baseAddress?.assumingMemoryBound(to: UInt8.self),
                      let output = target.baseAddress else { return false }
                let result = channels == 4
                    ? WebPDecodeRGBAInto(source, raw.count, output, target.count, stride)
                    : WebPDecodeRGBInto(source, raw.count, output, target.count, stride)
                return result != nil
            }
            guard ok else {
                throw ImagingError(.corrupt, "the WebP image data is damaged; libwebp could not decode it")
            }
            return PixelBuffer(uncheckedWidth: info.width, height: info.height, channels: channels, bytes: pixels)
        }
    }

    /// Total file length the RIFF header declares (0 when there is no RIFF header).
    static func declaredLength(_ raw: UnsafeRawBufferPointer) -> Int {
        guard raw.count >= 8, raw[0] == 0x52, raw[1] == 0x49, raw[2] == 0x46, raw[3] == 0x46 else { return 0 }
        let size = Int(raw[4]) | Int(raw[5]) << 8 | Int(raw[6]) << 16 | Int(raw[7]) << 24
        return size + 8
    }
}
