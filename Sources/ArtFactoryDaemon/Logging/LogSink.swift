import Foundation
import Glibc
import Logging
import Synchronization

/// Where the daemon's log lines go: a private (0600) file under the home, and stderr in the foreground.
///
/// Lines are buffered and written in batches (on `flush()`, every 200 ms from the loop, when 64 KiB
/// accumulate, and at once for warnings and worse), so logging one line per request costs no syscall
/// per request.
public final class LogSink: @unchecked Sendable {
    private let fd: Int32
    private let echoToStderr: Bool
    private let buffer = Mutex<[UInt8]>([])

    /// Opens (appends to) `path` with mode 0600.
    public init(path: String, echoToStderr: Bool) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DaemonError(.io, "cannot open the log file \(path): \(String(cString: strerror(errno)))") }
        fchmod(fd, 0o600)
        self.fd = fd
        self.echoToStderr = echoToStderr
    }

    deinit {
        flush()
        close(fd)
    }

    private let secondPrefix = Mutex<(second: Int, text: String)>((-1, ""))

    /// `2026-11-21T20:02:39.138Z` for now; the date-and-second part is formatted once per second.
    public func timestampNow() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let second = Int(ts.tv_sec)
        let prefix = secondPrefix.withLock { cache -> String in
            if cache.second != second {
                let full = Timestamp.iso8601(Double(second))
                cache = (second, String(full.dropLast()))
            }
            return cache.text
        }
        let ms = Int(ts.tv_nsec / 1_000_000)
        return prefix + (ms < 10 ? ".00" : ms < 100 ? ".0" : ".") + String(ms) + "Z"
    }

    /// The per-request line (`method`, duration, outcome; never params), written without going
    /// through swift-log's metadata dictionaries: this runs once per request on the hot path.
    public func appendRequest(method: String, micros: UInt64, outcome: String) {
        append(timestampNow() + " info [artfactoryd] request method=" + method + " outcome=" + outcome + " us=" + String(micros), urgent: false)
    }

    func append(_ line: String, urgent: Bool) {
        let full = buffer.withLock { b -> Bool in
            b.append(contentsOf: line.utf8)
            b.append(0x0A)
            return b.count >= 65536
        }
        if urgent || full { flush() }
    }

    /// Writes buffered lines out.
    public func flush() {
        let bytes = buffer.withLock { b -> [UInt8] in
            let out = b
            b.removeAll(keepingCapacity: true)
            return out
        }
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { if errno == EINTR { continue } else { break } }
                off += n
            }
            if echoToStderr { _ = write(2, raw.baseAddress!, raw.count) }
        }
    }
}

/// A swift-log handler writing `time level [label] message key=value…` lines to a `LogSink`.
public struct SinkLogHandler: LogHandler {
    let sink: LogSink
    let label: String
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level

    public init(label: String, sink: LogSink, level: Logger.Level) {
        self.label = label
        self.sink = sink
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = sink.timestampNow() + " " + event.level.rawValue + " [" + label + "] " + event.message.description
        let merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        for key in merged.keys.sorted() {
            line += " \(key)=\(merged[key]!)"
        }
        sink.append(line, urgent: event.level >= .warning)
    }

}

/// ISO 8601 UTC formatting without Foundation's formatters (whose first use loads ICU: ~100 ms).
public enum Timestamp {
    /// `2026-11-21T20:02:39Z`, or with `.123` milliseconds.
    public static func iso8601(_ secondsSinceEpoch: Double, milliseconds: Bool = false) -> String {
        var t = time_t(secondsSinceEpoch.rounded(.down))
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func pad(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        var out = "\(pad(tmv.tm_year + 1900, 4))-\(pad(tmv.tm_mon + 1, 2))-\(pad(tmv.tm_mday, 2))T\(pad(tmv.tm_hour, 2)):\(pad(tmv.tm_min, 2)):\(pad(tmv.tm_sec, 2))"
        if milliseconds {
            let ms = Int32((secondsSinceEpoch - secondsSinceEpoch.rounded(.down)) * 1000)
            out += "." + pad(min(ms, 999), 3)
        }
        return out + "Z"
    }
}
