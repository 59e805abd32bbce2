import Foundation

/// Strips metadata (EXIF, XMP, text, private chunks) from a PNG, JPEG or WebP file without re-encoding,
/// choosing the format by magic bytes. Use it for imported inputs when the user asks for stripping; the
/// pixels are untouched.
public struct MetadataStripper: Sendable {
    /// Keep colour profiles and rendering chunks (default true).
    public var keepColorProfile: Bool

    /// Creates a stripper.
    public init(keepColorProfile: Bool = true) {
        self.keepColorProfile = keepColorProfile
    }

    /// Returns the file without metadata.
    /// - Throws: ``ImagingError`` `not_an_image` for other formats, or the format stripper's errors.
    public func strip(_ data: Data, name: String = "the data") throws -> Data {
        let format = data.withUnsafeBytes { ImageFormat.sniff($0) }
        do {
            switch format {
            case .png: return try PNGStripper(keepRenderingChunks: keepColorProfile).strip(data)
            case .jpeg: return try JPEGStripper(keepColorProfile: keepColorProfile).strip(data)
            case .webp: return try WebPStripper(keepColorProfile: keepColorProfile).strip(data)
            case nil: throw ImagingError(.notAnImage, "\(name) is not an image (expected PNG, JPEG or WebP)")
            }
        } catch let error as ImagingError where format != nil {
            throw ImagingError(error.code, "\(name): \(error.message)", cause: error.cause)
        }
    }
}
