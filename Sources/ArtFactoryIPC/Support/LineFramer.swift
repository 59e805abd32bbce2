/// Splits a byte stream into `\n`-terminated lines, enforcing a maximum line size.
///
/// Bytes are appended as they arrive; complete lines come out without their terminator (a trailing
/// `\r` is kept: JSON parsing treats it as whitespace). Scanning resumes where it stopped, so a large
/// message arriving in many small reads costs linear time.
public struct LineFramer: Sendable {
    public let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0

    public init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    /// Outcome of feeding bytes.
    public enum Event: Equatable, Sendable {
        case line([UInt8])
        /// A line grew past `maxLineBytes` without a terminator: the stream cannot be resynchronised.
        case overflow
    }

    /// Appends bytes and returns the complete lines (and an overflow, after which the framer is spent).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Event] {
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while scanned < buffer.count {
            if buffer[scanned] == 0x0A {
                events.append(.line(Array(buffer[start..<scanned])))
                scanned += 1
                start = scanned
            } else {
                scanned += 1
                if scanned - start > maxLineBytes {
                    events.append(.overflow)
                    buffer.removeAll()
                    start = 0
                    scanned = 0
                    return events
                }
            }
        }
        if start > 0 && (start > 65536 || start == buffer.count) {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        return events
    }

    /// Bytes held for an unfinished line.
    public var pendingBytes: Int { buffer.count - start }
}
