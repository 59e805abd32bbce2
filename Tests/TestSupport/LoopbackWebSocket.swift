import Foundation
import Glibc

/// The server side of one RFC 6455 websocket on a connection taken over from
/// ``LoopbackHTTPServer`` (for the fake ComfyUI's `/ws`): the handshake answer, unmasked server
/// frames, and a reader that notices the client closing. Thread-safe sends.
public final class LoopbackWebSocket: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var closed = false

    /// Answers the upgrade request; nil when it is not a valid websocket request.
    public init?(request: LoopbackHTTPServer.Request, fd: Int32) {
        self.fd = fd
        guard request.headers["sec-websocket-version"] == "13", let key = request.headers["sec-websocket-key"] else { return nil }
        let accept = Data(TestSHA1.digest(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
        let answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\r\n"
        guard write(Array(answer.utf8)) else { return nil }
    }

    public var isClosed: Bool { lock.withLock { closed } }

    @discardableResult
    public func send(text: String) -> Bool { frame(0x1, Array(text.utf8)) }
    @discardableResult
    public func send(binary: [UInt8]) -> Bool { frame(0x2, binary) }

    /// Closes the connection abruptly (a server that died).
    public func kill() {
        lock.withLock { closed = true }
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Blocks until the client closes or the connection drops (run it on the connection's thread).
    public func waitForClose() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !isClosed {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 100)
            if ready == 0 { continue }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            // A close frame from the client (opcode 8, masked): answer and stop.
            if buffer[0] & 0x0F == 0x8 { _ = frame(0x8, []); break }
        }
        lock.withLock { closed = true }
    }

    private func frame(_ opcode: UInt8, _ payload: [UInt8]) -> Bool {
        var bytes: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            bytes.append(UInt8(payload.count))
        } else if payload.count < 65536 {
            bytes += [126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        return lock.withLock { closed ? false : write(bytes + payload) }
    }

    private func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}

/// SHA-1 for the fake's handshake answer, written separately from the daemon's so the handshake
/// check is not the same code agreeing with itself.
enum TestSHA1 {
    static func digest(_ input: [UInt8]) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)
        var message = input + [0x80] + [UInt8](repeating: 0, count: (119 - input.count % 64) % 64)
        let bits = UInt64(input.count) << 3
        message += (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * UInt64($0))) }
        func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
        for block in 0..<(message.count / 64) {
            var w = (0..<16).map { i -> UInt32 in
                let b = block * 64 + i * 4
                return (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(message[b + $1]) }
            }
            for i in 16..<80 { w.append(rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1)) }
            var (a, b, c, d, e) = state
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) = i < 20 ? ((b & c) | (~b & d), 0x5A827999)
                    : i < 40 ? (b ^ c ^ d, 0x6ED9EBA1) : i < 60 ? ((b & c) | (b & d) | (c & d), 0x8F1BBCDC) : (b ^ c ^ d, 0xCA62C1D6)
                (a, b, c, d, e) = (rotl(a, 5) &+ f &+ e &+ k &+ w[i], a, rotl(b, 30), c, d)
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
        }
        return [state.0, state.1, state.2, state.3, state.4].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) } }
    }
}
