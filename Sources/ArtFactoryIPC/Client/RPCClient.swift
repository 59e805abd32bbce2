import ArtFactoryProtocol
import Glibc
import Synchronization

/// A blocking JSON-RPC client over the daemon's Unix socket, for the CLI, tests and tools.
///
/// One call at a time per client (calls are serialised by a lock). Notifications that arrive while
/// waiting for a response go to `onNotification` on the calling thread.
public final class RPCClient: @unchecked Sendable {
    public let socketPath: String
    private let fd: Int32
    private var framer = LineFramer(maxLineBytes: 256 << 20)
    private var queued: [[UInt8]] = []
    private var nextID: Int64 = 1
    private let lock = Mutex(())
    /// Seconds to wait for each response (nil = forever).
    public var timeout: Double?
    /// Receives server notifications (e.g. `job.progress`) while a call waits or in `waitForNotification`.
    public var onNotification: ((RPCNotification) -> Void)?

    /// Connects to the daemon's socket.
    /// - Throws: `IPCError` `.daemonNotRunning` when nothing listens there (the message says what to run).
    public init(socketPath: String, timeout: Double? = 30) throws {
        self.socketPath = socketPath
        self.timeout = timeout
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw IPCError(.socketPathTooLong, "socket path is too long: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw IPCError.posix(.connectFailed, "cannot create a socket") }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 {
            let e = errno
            close(s)
            switch e {
            case ENOENT, ECONNREFUSED:
                throw IPCError(.daemonNotRunning, "The ArtFactory daemon is not running (no one listens on \(socketPath)). Start it with: artfactory daemon start", cause: e)
            case EACCES, EPERM:
                throw IPCError(.permissionDenied, "Permission denied on \(socketPath): the daemon belongs to another user.", cause: e)
            default:
                throw IPCError.posix(.connectFailed, "cannot connect to \(socketPath)", errno: e)
            }
        }
        fd = s
    }

    deinit { close(fd) }

    /// Calls `method` and returns its result. - Throws: `RPCError` from the daemon, or `IPCError`.
    public func call(_ method: String, params: JSONValue? = nil) throws -> JSONValue {
        try lock.withLock { _ in
            let id = nextID
            nextID += 1
            try sendLine(JSONWriter.bytes(RPCRequest(id: .int(id), method: method, params: params).jsonValue))
            while true {
                let json = try readMessage()
                if let response = RPCResponse(json: json) {
                    guard response.id == .int(id) else { continue }
                    switch response.outcome {
                    case .success(let v): return v
                    case .failure(let e): throw e
                    }
                }
                deliverNotification(json)
            }
        }
    }

    /// Typed call through a method's descriptor.
    public func call<M: RPCMethod>(_ m: M.Type, _ params: M.Params) throws -> M.Result {
        let p = try JSONValueEncoder().encode(params)
        let result = try call(M.method, params: p)
        do {
            return try JSONValueDecoder(rejectUnknownKeys: false).decode(M.Result.self, from: result)
        } catch {
            throw IPCError(.protocolViolation, "unexpected result from \(M.method): \(error)")
        }
    }

    /// Sends a notification (no reply expected).
    public func notify(_ method: String, params: JSONValue? = nil) throws {
        try lock.withLock { _ in try sendLine(JSONWriter.bytes(RPCRequest(id: nil, method: method, params: params).jsonValue)) }
    }

    /// Sends raw bytes as they are (tests use this for malformed input). A `\n` is not added.
    public func sendRaw(_ bytes: [UInt8]) throws {
        try lock.withLock { _ in try writeAll(bytes) }
    }

    /// Reads the next message (response or notification) as JSON. - Throws: `.timedOut`, `.connectionClosed`.
    public func readRawMessage() throws -> JSONValue {
        try lock.withLock { _ in try readMessage() }
    }

    /// Waits for the next notification, delivering it to `onNotification` too. Returns nil on timeout.
    public func waitForNotification(timeout seconds: Double) throws -> RPCNotification? {
        try lock.withLock { _ in
            let saved = timeout
            timeout = seconds
            defer { timeout = saved }
            while true {
                let json: JSONValue
                do { json = try readMessage() } catch let e as IPCError where e.code == .timedOut { return nil }
                if RPCResponse(json: json) != nil { continue }
                if let n = deliverNotification(json) { return n }
            }
        }
    }

    @discardableResult
    private func deliverNotification(_ json: JSONValue) -> RPCNotification? {
        guard let o = json.objectValue, let method = o["method"]?.stringValue, o["id"] == nil else { return nil }
        let n = RPCNotification(method: method, params: o["params"] ?? .null)
        onNotification?(n)
        return n
    }

    private func sendLine(_ bytes: [UInt8]) throws {
        var b = bytes
        b.append(0x0A)
        try writeAll(b)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IPCError.posix(.connectionClosed, "the daemon closed the connection")
            }
            off += n
        }
    }

    private func readMessage() throws -> JSONValue {
        while true {
            if !queued.isEmpty {
                let line = queued.removeFirst()
                do { return try JSONParser(maxDepth: 512).parse(line) } catch {
                    throw IPCError(.protocolViolation, "the daemon sent invalid JSON: \(error)")
                }
            }
            if let timeout {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let rc = poll(&p, 1, Int32(min(timeout * 1000, Double(Int32.max))))
                if rc == 0 { throw IPCError(.timedOut, "no answer from the daemon within \(timeout) s") }
                if rc < 0 && errno != EINTR { throw IPCError.posix(.ioFailed, "poll failed") }
            }
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw IPCError.posix(.connectionClosed, "reading from the daemon failed")
            }
            if n == 0 { throw IPCError(.connectionClosed, "the daemon closed the connection") }
            let events = buf.withUnsafeBytes { framer.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            for e in events {
                if case .line(let l) = e { queued.append(l) }
            }
        }
    }
}
