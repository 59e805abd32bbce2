/// The one error type of ArtFactoryImaging.
///
/// `code` is stable and safe to match on (and to put on the wire); `message` is for people and says
/// what to do next; `cause` carries the underlying library text (libpng, libjpeg, libwebp, zlib, errno).
public struct ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable codes.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The bytes are not PNG, JPEG or WebP.
        case notAnImage = "not_an_image"
        /// The file ends before the image does.
        case truncated
        /// The file is an image but its contents are damaged or unsupported.
        case corrupt
        /// Bytes or pixels exceed the configured limits.
        case tooLarge = "too_large"
        /// A caller passed arguments that cannot describe a valid image or operation.
        case invalidArgument = "invalid_argument"
        /// An encoder failed.
        case encodeFailed = "encode_failed"
        /// Metadata text could not be parsed.
        case invalidMetadata = "invalid_metadata"
        /// A file-system operation failed.
        case io
    }

    /// Stable code, see ``Code``.
    public let code: Code
    /// Human message that says what went wrong and what to do next.
    public let message: String
    /// Underlying library or system text, when there is one.
    public let cause: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause, !cause.isEmpty { return "\(code.rawValue): \(message) (\(cause))" }
        return "\(code.rawValue): \(message)"
    }
}
