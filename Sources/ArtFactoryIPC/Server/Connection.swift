import CUV
import Glibc
import Synchronization

/// One client connection. Created and driven by `SocketServer` on the loop thread; `send` and
/// `close` may be called from any thread.
public final class Connection: @unchecked Sendable {
    /// Unique for the life of the daemon.
    public let id: UInt64
    /// The peer process, from SO_PEERCRED.
    public let peer: PeerCredentials?

    let stream: UnsafeMutablePointer<uv_pipe_t>
    /// The server this connection belongs to.
    public unowned let server: SocketServer
    var framer: LineFramer
    /// Loop-thread state.
    var isClosed = false
    var closeAfterWrites = false
    var pendingWriteBytes = 0
    var pendingWrites = 0
    /// Reading stopped because too many requests of this connection run on workers.
    var pausedForWork = false
    /// Whether libuv is reading this stream now.
    var isReading = false
    /// Complete lines read but not yet handled: one client's burst is handled a slice at a time
    /// so that other connections get the loop in between.
    var backlog: [[UInt8]] = []
    var backlogStart = 0
    var drainScheduled = false
    /// The stream overflowed after the lines in `backlog`.
    var overflowPending = false
    /// Requests being handled off the loop thread for this connection (read back-pressure).
    var inFlight = 0
    private let closedFlag = Atomic<Bool>(false)

    init(id: UInt64, stream: UnsafeMutablePointer<uv_pipe_t>, peer: PeerCredentials?, server: SocketServer, maxLineBytes: Int) {
        self.id = id
        self.stream = stream
        self.peer = peer
        self.server = server
        self.framer = LineFramer(maxLineBytes: maxLineBytes)
    }

    var handle: UnsafeMutablePointer<uv_handle_t> { UnsafeMutableRawPointer(stream).assumingMemoryBound(to: uv_handle_t.self) }
    var streamHandle: UnsafeMutablePointer<uv_stream_t> { UnsafeMutableRawPointer(stream).assumingMemoryBound(to: uv_stream_t.self) }

    /// True once the connection is closed or closing; sends are then dropped.
    public var closed: Bool { closedFlag.load(ordering: .relaxed) }

    /// Sends one message: `line` must not contain `\n`; the terminator is added. Any thread.
    public func send(line: [UInt8]) {
        if server.loop.inLoopThread {
            write(line)
        } else {
            server.loop.execute { [self] in self.write(line) }
        }
    }

    /// Closes the connection, after queued writes are flushed when `flush` is set. Any thread.
    public func close(flush: Bool = true) {
        if server.loop.inLoopThread {
            closeOnLoop(flush: flush)
        } else {
            server.loop.execute { [self] in self.closeOnLoop(flush: flush) }
        }
    }

    // MARK: Loop thread

    func closeOnLoop(flush: Bool) {
        guard !isClosed else { return }
        if flush && pendingWrites > 0 {
            closeAfterWrites = true
            isReading = false
            uv_read_stop(streamHandle)
            return
        }
        isClosed = true
        isReading = false
        closedFlag.store(true, ordering: .relaxed)
        uv_read_stop(streamHandle)
        // The server's table keeps us alive until the close callback.
        uv_close(handle) { h in
            guard let h, let data = h.pointee.data else { return }
            let conn = Unmanaged<Connection>.fromOpaque(data).takeUnretainedValue()
            conn.server.connectionDidClose(conn)
            h.deallocate()
        }
    }

    private func write(_ line: [UInt8]) {
        guard !isClosed, !closeAfterWrites else { return }
        var message = line
        message.append(0x0A)
        var offset = 0
        if pendingWrites == 0 {
            // Fast path: most replies fit the socket buffer and go out at once.
            let n = message.withUnsafeMutableBytes { raw -> Int32 in
                var buf = uv_buf_init(raw.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(raw.count))
                return uv_try_write(streamHandle, &buf, 1)
            }
            if n == Int32(message.count) { return }
            if n > 0 { offset = Int(n) } else if n != UV_EAGAIN.rawValue && n != -EAGAIN {
                closeOnLoop(flush: false)
                return
            }
        }
        let remaining = message.count - offset
        if pendingWriteBytes + remaining > server.configuration.maxPendingWriteBytes {
            // A client that does not read its replies must not grow our memory without bound.
            server.log("closing connection \(id): \(pendingWriteBytes + remaining) bytes unread by the client")
            closeOnLoop(flush: false)
            return
        }
        // One allocation: an 8-byte length header, then the bytes; freed by the write callback.
        let block = UnsafeMutableRawPointer.allocate(byteCount: remaining + 8, alignment: 8)
        block.storeBytes(of: remaining, as: Int.self)
        message.withUnsafeBytes { src in
            (block + 8).copyMemory(from: src.baseAddress! + offset, byteCount: remaining)
        }
        let req = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        req.pointee.data = block
        var buf = uv_buf_init((block + 8).assumingMemoryBound(to: CChar.self), UInt32(remaining))
        pendingWriteBytes += remaining
        pendingWrites += 1
        let rc = uv_write(req, streamHandle, &buf, 1) { req, status in
            guard let req, let block = req.pointee.data, let stream = req.pointee.handle else { return }
            let conn = Unmanaged<Connection>.fromOpaque(stream.pointee.data).takeUnretainedValue()
            let bytes = block.load(as: Int.self)
            block.deallocate()
            req.deallocate()
            conn.writeDidComplete(bytes: bytes, status: status)
        }
        if rc != 0 {
            pendingWriteBytes -= remaining
            pendingWrites -= 1
            block.deallocate()
            req.deallocate()
            closeOnLoop(flush: false)
        }
    }

    private func writeDidComplete(bytes: Int, status: Int32) {
        pendingWrites -= 1
        pendingWriteBytes = max(0, pendingWriteBytes - bytes)
        if status < 0 { closeOnLoop(flush: false); return }
        if closeAfterWrites && pendingWrites == 0 {
            closeAfterWrites = false
            closeOnLoop(flush: false)
        }
    }

    /// Reads while nothing holds it back: not closing, no worker back-pressure, no unhandled backlog.
    func refreshReading() {
        let want = !isClosed && !closeAfterWrites && !pausedForWork && backlogStart >= backlog.count
        if want && !isReading {
            server.startReading(self)
        } else if !want && isReading {
            isReading = false
            uv_read_stop(streamHandle)
        }
    }

    /// Back-pressure for work handed to other threads: stop reading while too much is in flight.
    public func beginWork() {
        if server.loop.inLoopThread { adjustInFlight(+1) } else { server.loop.execute { [self] in adjustInFlight(+1) } }
    }

    /// Pairs with `beginWork()`. Any thread.
    public func endWork() {
        if server.loop.inLoopThread { adjustInFlight(-1) } else { server.loop.execute { [self] in adjustInFlight(-1) } }
    }

    private func adjustInFlight(_ delta: Int) {
        inFlight += delta
        guard !isClosed, !closeAfterWrites else { return }
        let limit = server.configuration.maxInFlightPerConnection
        if inFlight >= limit, !pausedForWork {
            pausedForWork = true
            refreshReading()
        } else if inFlight < limit / 2, pausedForWork {
            pausedForWork = false
            refreshReading()
        }
    }
}
