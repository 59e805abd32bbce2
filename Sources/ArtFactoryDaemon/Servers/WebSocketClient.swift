import CTLSShims
import Foundation
import Glibc

/// A minimal RFC 6455 websocket client over TCP (`ws://`) or TLS (`wss://`, OpenSSL through
/// `CTLSShims`: the system's CA store, the certificate checked against the URL's host name or IP
/// address, TLS 1.2+), for ComfyUI's `/ws?clientId=` progress feed: the opening handshake (with
/// `Sec-WebSocket-Accept` checked), masked client frames, text and binary messages (fragmented
/// ones reassembled), ping → pong, close. Blocking, one reader at a time; reads wait at most the
/// given timeout so callers can poll their stop flag.
final class WebSocketClient: @unchecked Sendable {
    enum Message: Equatable {
        case text(String)
        case binary([UInt8])
    }

    enum Failure: Error, CustomStringConvertible {
        case connect(String)
        case handshake(String)
        case closed
        var description: String {
            switch self {
            case .connect(let why): return why
            case .handshake(let why): return "websocket handshake failed (\(why))"
            case .closed: return "the websocket closed"
            }
        }
    }

    private var fd: Int32
    /// The TLS session for `wss://`; nil for `ws://`.
    private var tls: OpaquePointer?
    private var buffer: [UInt8] = []
    private var fragments: [UInt8] = []
    private var fragmentOpcode: UInt8 = 0
    private(set) var isOpen = true
    /// Largest message accepted (previews are small JPEGs).
    static let maxMessageBytes = 32 << 20

    /// Connects and performs the opening handshake. `url` is `ws://host:port/path?query` or
    /// `wss://…` (port 443 when none is given). `extraTrustedCAFile` (PEM) is trusted beside the
    /// system's store: for tests; the daemon trusts the system store only, as its HTTP client does.
    init(url: URL, headers: [(String, String)], timeout: Double, extraTrustedCAFile: String? = nil) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "ws" || scheme == "wss", let host = url.host, !host.isEmpty else {
            throw Failure.connect("a websocket URL must be ws:// or wss://")
        }
        let secure = scheme == "wss"
        let port = url.port ?? (secure ? 443 : 80)
        fd = try Self.connect(host: host, port: port, timeout: timeout)
        if secure {
            var reason = [CChar](repeating: 0, count: 256)
            let session = host.withCString { h in
                extraTrustedCAFile.map { ca in ca.withCString { afk_tls_connect(fd, h, $0, &reason, reason.count) } }
                    ?? afk_tls_connect(fd, h, nil, &reason, reason.count)
            }
            guard let session else {
                Glibc.close(fd)
                isOpen = false
                let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw Failure.connect("TLS to \(host):\(port): " + text)
            }
            tls = session
        }
        do {
            try handshake(url: url, host: host, port: port, headers: headers, timeout: timeout)
        } catch {
            shutdown()
            throw error
        }
    }

    deinit { close() }

    func close() {
        guard isOpen else { return }
        try? sendFrame(opcode: 0x8, payload: [0x03, 0xE8])
        shutdown()
    }

    /// Ends the TLS session (if any) and closes the socket; no frame is sent.
    private func shutdown() {
        guard isOpen else { return }
        isOpen = false
        if let tls { afk_tls_free(tls) }
        tls = nil
        Glibc.close(fd)
    }

    private static func connect(host: String, port: Int, timeout: Double) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else { throw Failure.connect("host not found") }
        defer { freeaddrinfo(result) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        var lastError = "connection refused"
        while let info = cursor {
            let sock = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if sock >= 0 {
                var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
                setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(sock, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return sock }
                lastError = errno == ECONNREFUSED ? "connection refused" : String(cString: strerror(errno))
                Glibc.close(sock)
            }
            cursor = info.pointee.ai_next
        }
        throw Failure.connect(lastError)
    }

    private func handshake(url: URL, host: String, port: Int, headers: [(String, String)], timeout: Double) throws {
        var keyBytes = [UInt8](repeating: 0, count: 16)
        for i in keyBytes.indices { keyBytes[i] = UInt8.random(in: 0...255) }
        let key = Data(keyBytes).base64EncodedString()
        var target = url.path.isEmpty ? "/" : url.path
        if let q = url.query { target += "?" + q }
        var request = "GET \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        try writeAll(Array(request.utf8))
        let deadline = Date().addingTimeInterval(timeout)
        var headEnd: Int?
        while headEnd == nil {
            guard Date() < deadline else { throw Failure.handshake("no answer") }
            _ = try fill(waitSeconds: 0.25)
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
            if buffer.count > 65536 { throw Failure.handshake("an oversized answer") }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let status = lines.removeFirst().split(separator: " ")
        guard status.count >= 2 else { throw Failure.handshake("not HTTP") }
        guard status[1] == "101" else { throw Failure.handshake("HTTP \(status[1])") }
        var fields: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let expected = Data(SHA1.digest(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
        guard fields["sec-websocket-accept"] == expected else { throw Failure.handshake("wrong Sec-WebSocket-Accept") }
    }

    /// The next message, or nil when none arrived within `timeout` seconds.
    /// - Throws: ``Failure/closed`` when the server closed the connection or it dropped.
    func receive(timeout: Double) throws -> Message? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let message = try parseFrame() { return message }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return nil }
            if !(try fill(waitSeconds: min(remaining, 0.25))) { continue }
        }
    }

    /// Reads what is there into the buffer; false when nothing came within `waitSeconds`.
    private func fill(waitSeconds: Double) throws -> Bool {
        guard isOpen else { throw Failure.closed }
        // Bytes TLS already decrypted wait inside the session, not on the socket.
        if tls == nil || afk_tls_pending(tls) == 0 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(max(1, waitSeconds * 1000)))
            if ready == 0 { return false }
            if ready < 0 { if errno == EINTR { return false }; throw Failure.closed }
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n: Int
        if let tls {
            let got = afk_tls_read(tls, &chunk, chunk.count)
            if got == -1 { return false }  // only part of a TLS record so far
            n = got > 0 ? Int(got) : 0
        } else {
            n = read(fd, &chunk, chunk.count)
        }
        if n <= 0 {
            shutdown()
            throw Failure.closed
        }
        buffer += chunk[0..<n]
        return true
    }

    /// One complete message from the buffer, handling control frames on the way; nil = need more bytes.
    private func parseFrame() throws -> Message? {
        while true {
            guard buffer.count >= 2 else { return nil }
            let fin = buffer[0] & 0x80 != 0
            let opcode = buffer[0] & 0x0F
            let masked = buffer[1] & 0x80 != 0
            var length = Int(buffer[1] & 0x7F)
            var offset = 2
            if length == 126 {
                guard buffer.count >= 4 else { return nil }
                length = Int(buffer[2]) << 8 | Int(buffer[3])
                offset = 4
            } else if length == 127 {
                guard buffer.count >= 10 else { return nil }
                length = 0
                for i in 2..<10 { length = length << 8 | Int(buffer[i]) }
                offset = 10
            }
            guard length <= Self.maxMessageBytes else { throw Failure.closed }
            let maskOffset = offset
            if masked { offset += 4 }
            guard buffer.count >= offset + length else { return nil }
            var payload = Array(buffer[offset..<(offset + length)])
            if masked {
                for i in payload.indices { payload[i] ^= buffer[maskOffset + i % 4] }
            }
            buffer.removeFirst(offset + length)
            switch opcode {
            case 0x8:
                try? sendFrame(opcode: 0x8, payload: Array(payload.prefix(2)))
                shutdown()
                throw Failure.closed
            case 0x9:
                try sendFrame(opcode: 0xA, payload: payload)
                continue
            case 0xA:
                continue
            case 0x0:
                fragments += payload
                guard fragments.count <= Self.maxMessageBytes else { throw Failure.closed }
                if fin { return message(opcode: fragmentOpcode, fragments) }
                continue
            case 0x1, 0x2:
                if fin { return message(opcode: opcode, payload) }
                fragmentOpcode = opcode
                fragments = payload
                continue
            default:
                throw Failure.closed
            }
        }
    }

    private func message(opcode: UInt8, _ payload: [UInt8]) -> Message {
        fragments = []
        return opcode == 0x1 ? .text(String(decoding: payload, as: UTF8.self)) : .binary(payload)
    }

    /// Sends one masked frame (clients must mask, RFC 6455 §5.3).
    func sendFrame(opcode: UInt8, payload: [UInt8]) throws {
        var frame: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count < 65536 {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        for (i, byte) in payload.enumerated() { frame.append(byte ^ mask[i % 4]) }
        try writeAll(frame)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        guard isOpen else { throw Failure.closed }
        var offset = 0
        while offset < bytes.count {
            let n: Int
            if let tls {
                n = bytes[offset...].withUnsafeBytes { Int(afk_tls_write(tls, $0.baseAddress, $0.count)) }
            } else {
                n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            if n <= 0 { throw Failure.closed }
            offset += n
        }
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

/// SHA-1 (FIPS 180-4), only for the websocket handshake's `Sec-WebSocket-Accept` check.
enum SHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8((bitLength >> UInt64(shift)) & 0xFF)) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                let j = chunk + i * 4
                w[i] = UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
            for i in 0..<80 {
                let f: UInt32, k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A827999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC
                default: f = b ^ c ^ d; k = 0xCA62C1D6
                }
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                e = d; d = c; c = b << 30 | b >> 2; b = a; a = t
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d; h[4] = h[4] &+ e
        }
        return h.flatMap { v in [24, 16, 8, 0].map { UInt8((v >> UInt32($0)) & 0xFF) } }
    }
}
