import ArtFactoryProtocol
import CUV
import Glibc

/// The daemon's listening Unix socket on a libuv loop: accepts connections, checks the peer's uid,
/// frames lines and hands them to `onLine`. All callbacks run on the loop thread.
public final class SocketServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Filesystem path of the socket.
        public var path: String
        /// Longest accepted line in bytes (default 16 MiB); longer gets an error and a closed connection.
        public var maxLineBytes: Int = 16 << 20
        /// Unread reply bytes tolerated per client before it is disconnected.
        public var maxPendingWriteBytes: Int = 64 << 20
        /// Requests handled off the loop per connection before reading pauses.
        public var maxInFlightPerConnection: Int = 64
        /// The only uid allowed to connect.
        public var allowedUID: UInt32 = getuid()
        /// An already listening socket inherited from a supervisor (systemd's LISTEN_FDS), used instead of binding.
        public var inheritedFD: Int32?

        public init(path: String) { self.path = path }
    }

    public let loop: EventLoop
    public let configuration: Configuration
    /// A complete line arrived (without its `\n`).
    public var onLine: (Connection, [UInt8]) -> Void = { _, _ in }
    /// A line exceeded the limit; the connection is closed right after this returns and queued writes flush.
    public var onOverflow: (Connection) -> Void = { _ in }
    /// A peer was refused (wrong uid).
    public var onRefused: (PeerCredentials?) -> Void = { _ in }
    public var onOpen: (Connection) -> Void = { _ in }
    public var onClose: (Connection) -> Void = { _ in }
    /// Diagnostics from the socket layer.
    public var logger: (String) -> Void = { _ in }

    private var listener: UnsafeMutablePointer<uv_pipe_t>?
    private(set) var connections: [UInt64: Connection] = [:]
    private var nextID: UInt64 = 1

    public init(loop: EventLoop, configuration: Configuration) {
        self.loop = loop
        self.configuration = configuration
    }

    /// Open connections (loop thread).
    public var connectionCount: Int { connections.count }

    func log(_ message: String) { logger(message) }

    /// Binds (or adopts the inherited socket) and starts listening. Call on the loop thread or before `run()`.
    /// The caller arranges permissions: directory 0700 and a umask that makes the socket 0600.
    public func start() throws {
        let pipe = UnsafeMutablePointer<uv_pipe_t>.allocate(capacity: 1)
        uv_pipe_init(loop.loop, pipe, 0)
        pipe.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        let handle = UnsafeMutableRawPointer(pipe).assumingMemoryBound(to: uv_handle_t.self)
        func fail(_ error: IPCError) -> IPCError {
            uv_close(handle) { $0?.deallocate() }
            return error
        }
        if let fd = configuration.inheritedFD {
            let rc = uv_pipe_open(pipe, fd)
            guard rc == 0 else { throw fail(IPCError(.bindFailed, "cannot use the inherited socket (fd \(fd)): \(String(cString: uv_strerror(rc)))", cause: rc)) }
        } else {
            guard configuration.path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
                throw fail(IPCError(.socketPathTooLong, "socket path is too long for a Unix socket (\(configuration.path.utf8.count) bytes, limit 107): \(configuration.path). Set ARTFACTORY_HOME to a shorter directory."))
            }
            let rc = uv_pipe_bind(pipe, configuration.path)
            guard rc == 0 else {
                let code: IPCError.Code = rc == UV_EADDRINUSE.rawValue ? .addressInUse : .bindFailed
                throw fail(IPCError(code, "cannot bind \(configuration.path): \(String(cString: uv_strerror(rc)))", cause: rc))
            }
        }
        let rc = uv_listen(UnsafeMutableRawPointer(pipe).assumingMemoryBound(to: uv_stream_t.self), 511) { server, status in
            guard let server, status == 0, let data = server.pointee.data else { return }
            Unmanaged<SocketServer>.fromOpaque(data).takeUnretainedValue().accept()
        }
        guard rc == 0 else { throw fail(IPCError(.listenFailed, "cannot listen on \(configuration.path): \(String(cString: uv_strerror(rc)))", cause: rc)) }
        listener = pipe
    }

    /// Stops accepting new connections; existing ones stay. Loop thread.
    public func stopAccepting() {
        guard let listener else { return }
        self.listener = nil
        uv_close(UnsafeMutableRawPointer(listener).assumingMemoryBound(to: uv_handle_t.self)) { $0?.deallocate() }
    }

    /// Closes every connection (flushing queued replies first). Loop thread.
    public func closeAll() {
        for c in connections.values { c.closeOnLoop(flush: true) }
    }

    /// Every open connection. Loop thread.
    public var openConnections: [Connection] { Array(connections.values) }

    private func accept() {
        guard let listener else { return }
        let client = UnsafeMutablePointer<uv_pipe_t>.allocate(capacity: 1)
        uv_pipe_init(loop.loop, client, 0)
        let stream = UnsafeMutableRawPointer(client).assumingMemoryBound(to: uv_stream_t.self)
        let handle = UnsafeMutableRawPointer(client).assumingMemoryBound(to: uv_handle_t.self)
        guard uv_accept(UnsafeMutableRawPointer(listener).assumingMemoryBound(to: uv_stream_t.self), stream) == 0 else {
            uv_close(handle) { $0?.deallocate() }
            return
        }
        var fd: uv_os_fd_t = -1
        uv_fileno(handle, &fd)
        let peer = try? PeerCredentials.of(fd: fd)
        guard let peer, PeerCredentials.isAllowed(peerUID: peer.uid, daemonUID: configuration.allowedUID) else {
            onRefused(peer)
            // Tell the peer why, best effort, then hang up.
            let refusal = RPCResponse(id: .null, error: RPCError(
                code: RPCErrorCode.permissionDenied,
                message: "Permission denied: this daemon serves only the user who started it (uid \(configuration.allowedUID)).",
                data: ["kind": "permissionDenied"]))
            let msg = JSONWriter.bytes(refusal.jsonValue) + [0x0A]
            msg.withUnsafeBytes { raw in
                var buf = uv_buf_init(UnsafeMutablePointer(mutating: raw.baseAddress!.assumingMemoryBound(to: CChar.self)), UInt32(raw.count))
                _ = uv_try_write(stream, &buf, 1)
            }
            uv_close(handle) { $0?.deallocate() }
            return
        }
        let conn = Connection(id: nextID, stream: client, peer: peer, server: self, maxLineBytes: configuration.maxLineBytes)
        nextID += 1
        client.pointee.data = Unmanaged.passUnretained(conn).toOpaque()
        connections[conn.id] = conn
        onOpen(conn)
        startReading(conn)
    }

    func startReading(_ conn: Connection) {
        conn.isReading = true
        uv_read_start(conn.streamHandle, { _, suggested, buf in
            let size = 65536
            buf?.pointee = uv_buf_init(UnsafeMutablePointer<CChar>.allocate(capacity: size), UInt32(size))
            _ = suggested
        }, { stream, nread, buf in
            defer { buf?.pointee.base?.deallocate() }
            guard let stream, let data = stream.pointee.data else { return }
            let conn = Unmanaged<Connection>.fromOpaque(data).takeUnretainedValue()
            conn.server.didRead(conn, nread: nread, base: buf?.pointee.base)
        })
    }

    /// Lines handled per connection before the loop turns to others.
    static let linesPerTurn = 32

    private func didRead(_ conn: Connection, nread: Int, base: UnsafeMutablePointer<CChar>?) {
        if nread < 0 {
            // EOF or error: the client went away. Pending replies are dropped with it.
            conn.closeOnLoop(flush: false)
            return
        }
        guard nread > 0, let base, !conn.isClosed else { return }
        for event in conn.framer.feed(UnsafeRawBufferPointer(start: base, count: nread)) {
            switch event {
            case .line(let line): conn.backlog.append(line)
            case .overflow: conn.overflowPending = true
            }
        }
        drain(conn)
    }

    /// Handles up to `linesPerTurn` queued lines of `conn`, then lets the loop serve others before
    /// continuing; reading from `conn` pauses while it has a backlog.
    private func drain(_ conn: Connection) {
        var handled = 0
        while conn.backlogStart < conn.backlog.count, handled < Self.linesPerTurn {
            if conn.isClosed || conn.closeAfterWrites { return }
            let line = conn.backlog[conn.backlogStart]
            conn.backlogStart += 1
            handled += 1
            onLine(conn, line)
        }
        if conn.backlogStart >= conn.backlog.count {
            conn.backlog.removeAll(keepingCapacity: false)
            conn.backlogStart = 0
            if conn.overflowPending, !conn.isClosed {
                conn.overflowPending = false
                onOverflow(conn)
                conn.closeOnLoop(flush: true)
                return
            }
        } else if !conn.drainScheduled {
            conn.drainScheduled = true
            loop.execute { [self] in
                conn.drainScheduled = false
                if !conn.isClosed { drain(conn) }
            }
        }
        conn.refreshReading()
    }

    func connectionDidClose(_ conn: Connection) {
        connections[conn.id] = nil
        onClose(conn)
    }
}
