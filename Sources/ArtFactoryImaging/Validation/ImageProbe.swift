import Foundation

/// Sniffs the format by magic bytes, reads dimensions from the header and enforces ``ImageLimits``,
/// all before any pixel is decoded. Every failure is an ``ImagingError`` naming the file.
public struct ImageProbe: Sendable {
    /// Limits enforced by this probe.
    public var limits: ImageLimits

    /// Creates a probe.
    public init(limits: ImageLimits = .default) {
        self.limits = limits
    }

    /// Probes a file on disk. The file size is checked before the file is read.
    /// - Throws: ``ImagingError`` `io`, `not_an_image`, `too_large`, `truncated` or `corrupt`.
    public func probe(fileAt url: URL) throws -> ImageInfo {
        let data = try readFile(at: url)
        return try probe(data, name: url.lastPathComponent)
    }

    /// Probes bytes; `name` is used in error messages.
    public func probe(_ data: Data, name: String = "the data") throws -> ImageInfo {
        guard data.count <= limits.maxBytes else {
            throw ImagingError(.tooLarge, "\(name) is \(data.count) bytes, over the limit of \(limits.maxBytes) bytes")
        }
        return try data.withUnsafeBytes { raw in
            guard let format = ImageFormat.sniff(raw) else {
                throw ImagingError(.notAnImage, "\(name) is not an image (expected PNG, JPEG or WebP)")
            }
            let size: (width: Int, height: Int)
            do {
                switch format {
                case .png:
                    size = try PNGChunkReader.dimensions(of: raw)
                    // Structural walk (no CRC) finds files cut short anywhere, cheaply.
                    _ = try PNGChunkReader.chunks(in: raw, verifyCRC: false)
                case .jpeg:
                    size = try JPEGDecoder.dimensions(of: raw)
                    if !JPEGDecoder.hasEndMarker(raw) {
                        throw ImagingError(.truncated, "the JPEG file has no end marker; it is incomplete")
                    }
                case .webp:
                    let features = try WebPDecoder.features(of: raw)
                    if WebPDecoder.declaredLength(raw) > raw.count {
                        throw ImagingError(.truncated, "the WebP file is shorter than its header declares; it is incomplete")
                    }
                    size = (features.width, features.height)
                }
            } catch let error as ImagingError {
                throw ImagingError(error.code, "\(name): \(error.message)", cause: error.cause)
            }
            let (pixels, overflow) = size.width.multipliedReportingOverflow(by: size.height)
            guard !overflow, pixels <= limits.maxPixels else {
                throw ImagingError(.tooLarge,
                                   "\(name) is \(size.width)x\(size.height), over the limit of \(limits.maxPixels) pixels")
            }
            return ImageInfo(format: format, width: size.width, height: size.height, byteCount: raw.count)
        }
    }

    func readFile(at url: URL) throws -> Data {
        let path = url.path
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ImagingError(.io, "cannot read \(url.lastPathComponent): check that the file exists and is readable",
                               cause: error.localizedDescription)
        }
        if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
            throw ImagingError(.notAnImage, "\(url.lastPathComponent) is not a regular file")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > limits.maxBytes {
            throw ImagingError(.tooLarge,
                               "\(url.lastPathComponent) is \(size) bytes, over the limit of \(limits.maxBytes) bytes")
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ImagingError(.io, "cannot read \(url.lastPathComponent)", cause: error.localizedDescription)
        }
    }
}
