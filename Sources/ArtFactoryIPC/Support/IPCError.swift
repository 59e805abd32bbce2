import Glibc

/// Errors of the socket layer, each with a stable `code` and a message that says what to do next.
public struct IPCError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case socketPathTooLong, addressInUse, bindFailed, listenFailed, connectFailed, daemonNotRunning
        case permissionDenied, ioFailed, timedOut, connectionClosed, protocolViolation, libuv
    }
    public let code: Code
    public let message: String
    /// errno or libuv status when one caused this.
    public let cause: Int32?

    public init(_ code: Code, _ message: String, cause: Int32? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }

    /// Maps a failed libc call's errno to an error, in one place (the house rule for C return codes).
    static func posix(_ code: Code, _ what: String, errno e: Int32 = errno) -> IPCError {
        IPCError(code, "\(what): \(String(cString: strerror(e)))", cause: e)
    }
}
