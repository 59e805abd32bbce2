import CImagingShims
import Foundation

/// Decodes PNG files of any bit depth and color type (palette, gray, gray+alpha, RGB, RGBA, 8/16-bit,
/// interlaced) to 8-bit RGB, or RGBA when the file has an alpha channel or `tRNS` transparency.
/// Uses libpng's classic API through a C shim that catches libpng's longjmp errors, so every failure is a
/// thrown error. Samples are taken as stored: 16-bit is scaled to 8-bit (v / 257, rounded) and `gAMA` is not
/// applied, matching browsers and Pillow.
public enum PNGDecoder {
    /// Decodes a whole PNG file.
    /// - Parameter maxPixels: refuse (before allocating) images with more pixels than this.
    /// - Throws: ``ImagingError`` `not_an_image`, `truncated`, `corrupt` or `too_large`.
    public static func decode(_ data: Data, maxPixels: Int = ImageLimits.default.maxPixels) throws -> PixelBuffer {
        try data.withUnsafeBytes { raw in
            let size = try PNGChunkReader.dimensions(of: raw)
            guard size.width * size.height <= maxPixels else {
                throw ImagingError(.tooLarge, "the PNG is \(size.width)x\(size.height), over the limit of \(maxPixels) pixels")
            }
            // libpng accepts files cut after the last IDAT; the structural walk (lengths only, no CRC) does not.
            _ = try PNGChunkReader.chunks(in: raw, verifyCRC: false)
            guard let base = raw.baseAddress else { throw ImagingError(.notAnImage, "the data is empty") }
            var output: UnsafeMutablePointer<UInt8>?
            var width: UInt32 = 0, height: UInt32 = 0
            var channels: Int32 = 0
            var message = [CChar](repeating: 0, count: 256)
            let status = af_png_decode(base.assumingMemoryBound(to: UInt8.self), raw.count, UInt64(maxPixels),
                                       &output, &width, &height, &channels, &message, message.count)
            let cause = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            switch status {
            case AF_OK:
                guard let output else { throw ImagingError(.corrupt, "libpng returned no pixels") }
                defer { af_free(output) }
                let count = Int(width) * Int(height) * Int(channels)
                let bytes = [UInt8](UnsafeBufferPointer(start: output, count: count))
                return PixelBuffer(uncheckedWidth: Int(width), height: Int(height), channels: Int(channels), bytes: bytes)
            case AF_ERR_TOO_LARGE:
                throw ImagingError(.tooLarge, "the PNG is over the limit of \(maxPixels) pixels", cause: cause)
            case AF_ERR_TRUNCATED:
                throw ImagingError(.truncated, "the PNG file is incomplete; copy or download it again", cause: cause)
            case AF_ERR_NOMEM:
                throw ImagingError(.tooLarge, "not enough memory to decode the PNG", cause: cause)
            default:
                throw ImagingError(.corrupt, "the PNG file is damaged or unsupported", cause: cause)
            }
        }
    }
}
