import ArtFactoryProtocol

/// Errors of the daemon's own start-up and services: a stable `code`, a message that says what to do.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case alreadyRunning, io, config, socket, internalFailure
    }
    public let code: Code
    public let message: String
    public let cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
