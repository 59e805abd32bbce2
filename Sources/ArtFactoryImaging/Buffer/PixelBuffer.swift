/// An 8-bit image in memory: `height` rows of `width` pixels, each pixel `channels` bytes
/// (3 = RGB, 4 = RGBA, straight alpha), rows packed with no padding.
///
/// A value type; copies share storage until written (copy-on-write `[UInt8]`).
public struct PixelBuffer: Sendable, Equatable {
    /// Width in pixels (≥ 1).
    public let width: Int
    /// Height in pixels (≥ 1).
    public let height: Int
    /// Bytes per pixel: 3 (RGB) or 4 (RGBA).
    public let channels: Int
    /// `width * height * channels` bytes, row-major, top row first.
    public var bytes: [UInt8]

    /// Bytes in one row.
    public var rowBytes: Int { width * channels }
    /// Number of pixels.
    public var pixelCount: Int { width * height }
    /// Whether the buffer carries an alpha channel.
    public var hasAlpha: Bool { channels == 4 }

    /// Wraps existing bytes.
    /// - Throws: ``ImagingError`` `invalid_argument` when the sizes disagree or are out of range.
    public init(width: Int, height: Int, channels: Int, bytes: [UInt8]) throws {
        try Self.validate(width: width, height: height, channels: channels)
        guard bytes.count == width * height * channels else {
            throw ImagingError(.invalidArgument,
                               "pixel data has \(bytes.count) bytes but \(width)x\(height)x\(channels) needs \(width * height * channels)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.bytes = bytes
    }

    /// Creates a buffer with every byte set to `value`.
    /// - Throws: ``ImagingError`` `invalid_argument` for sizes out of range.
    public init(width: Int, height: Int, channels: Int, filledWith value: UInt8 = 0) throws {
        try Self.validate(width: width, height: height, channels: channels)
        self.width = width
        self.height = height
        self.channels = channels
        self.bytes = [UInt8](repeating: value, count: width * height * channels)
    }

    /// Internal initializer for codecs that already checked sizes.
    init(uncheckedWidth width: Int, height: Int, channels: Int, bytes: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.bytes = bytes
    }

    /// The largest side accepted by any initializer (matches libpng's default user limit).
    public static let maximumSide = 1_000_000
    /// The most pixels any buffer may hold (2^28, about 1 GiB as RGBA); larger requests get `too_large`
    /// instead of an allocation failure.
    public static let maximumPixels = 1 << 28

    static func validate(width: Int, height: Int, channels: Int) throws {
        guard channels == 3 || channels == 4 else {
            throw ImagingError(.invalidArgument, "channels must be 3 (RGB) or 4 (RGBA), got \(channels)")
        }
        guard width >= 1, height >= 1, width <= maximumSide, height <= maximumSide else {
            throw ImagingError(.invalidArgument, "image size \(width)x\(height) is out of range (1...\(maximumSide) per side)")
        }
        let (product, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, product <= maximumPixels else {
            throw ImagingError(.tooLarge,
                               "image size \(width)x\(height) is over the \(maximumPixels)-pixel ceiling of an in-memory image")
        }
    }

    /// Reads one pixel's channel; returns nil outside the image.
    public func value(x: Int, y: Int, channel: Int) -> UInt8? {
        guard x >= 0, x < width, y >= 0, y < height, channel >= 0, channel < channels else { return nil }
        return bytes[(y * width + x) * channels + channel]
    }
}
