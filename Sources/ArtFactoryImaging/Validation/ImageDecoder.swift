import Foundation

/// Probes, then decodes PNG, JPEG or WebP to pixels, enforcing limits first.
/// EXIF and other metadata are not carried into the pixels.
public struct ImageDecoder: Sendable {
    /// The probe (and its limits) run before decoding.
    public var probe: ImageProbe
    /// Turn JPEG/WebP pixels upright according to their EXIF orientation (default true), since the EXIF
    /// itself is not carried into the pixels.
    public var appliesOrientation: Bool

    /// Creates a decoder with the given limits.
    public init(limits: ImageLimits = .default, appliesOrientation: Bool = true) {
        self.probe = ImageProbe(limits: limits)
        self.appliesOrientation = appliesOrientation
    }

    /// Decodes bytes; `name` is used in error messages.
    /// - Throws: ``ImagingError`` from the probe or the codec, with the name in the message.
    public func decode(_ data: Data, name: String = "the data") throws -> DecodedImage {
        let info = try probe.probe(data, name: name)
        do {
            let pixels: PixelBuffer
            switch info.format {
            case .png: pixels = try PNGDecoder.decode(data, maxPixels: probe.limits.maxPixels)
            case .jpeg: pixels = try JPEGDecoder.decode(data, maxPixels: probe.limits.maxPixels)
            case .webp: pixels = try WebPDecoder.decode(data, maxPixels: probe.limits.maxPixels)
            }
            guard appliesOrientation, info.format != .png else { return DecodedImage(info: info, pixels: pixels) }
            let orientation = data.withUnsafeBytes { raw in
                info.format == .jpeg ? ExifOrientation.read(fromJPEG: raw) : ExifOrientation.read(fromWebP: raw)
            }
            return DecodedImage(info: info, pixels: pixels.applying(orientation ?? .up))
        } catch let error as ImagingError {
            throw ImagingError(error.code, "\(name): \(error.message)", cause: error.cause)
        }
    }

    /// Reads and decodes a file.
    public func decode(fileAt url: URL) throws -> DecodedImage {
        let data = try probe.readFile(at: url)
        return try decode(data, name: url.lastPathComponent)
    }
}
