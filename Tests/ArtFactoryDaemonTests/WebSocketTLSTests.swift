@testable import ArtFactoryDaemon
import Foundation
import Testing

/// The websocket client over TLS (`wss://`, ComfyUI behind a TLS proxy), against a loopback
/// websocket server in Python (stdlib `ssl`) with a certificate made for the test by the
/// `openssl` command: messages arrive, and an untrusted certificate or a name the certificate
/// does not cover is refused with a reason before anything is sent.
@Suite("Websocket over TLS", .serialized)
struct WebSocketTLSTests {
    /// A self-signed certificate for `localhost` only (no IP address in it).
    static func makeCertificate(in dir: URL) throws -> (cert: String, key: String) {
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl req failed")
        return (cert, key)
    }

    /// Serves websocket connections over TLS on 127.0.0.1: each connection gets the handshake,
    /// a ping, a text message naming its request path, a binary message fragmented in two, then
    /// the server waits for one client frame, echoes it as text and closes. Prints its port.
    static let server = #"""
    import base64, hashlib, os, socket, ssl, struct, sys, threading
    cert, key = sys.argv[1], sys.argv[2]
    # Ends when the test closes our stdin (or after a minute), whatever signals are blocked.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    threading.Timer(60, lambda: os._exit(1)).start()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
    listener = socket.socket(); listener.bind(("127.0.0.1", 0)); listener.listen(8)
    print(listener.getsockname()[1], flush=True)
    def frame(op, payload, fin=True):
        head = bytes([(0x80 if fin else 0) | op])
        n = len(payload)
        head += bytes([n]) if n < 126 else (bytes([126]) + struct.pack(">H", n) if n < 65536 else bytes([127]) + struct.pack(">Q", n))
        return head + payload
    def recv_exact(c, n):
        data = b""
        while len(data) < n:
            chunk = c.recv(n - len(data))
            if not chunk: raise EOFError
            data += chunk
        return data
    def read_frame(c):
        b0, b1 = recv_exact(c, 2)
        n = b1 & 0x7F
        if n == 126: n = struct.unpack(">H", recv_exact(c, 2))[0]
        elif n == 127: n = struct.unpack(">Q", recv_exact(c, 8))[0]
        mask = recv_exact(c, 4) if b1 & 0x80 else b"\0\0\0\0"
        data = recv_exact(c, n)
        return b0 & 0x0F, bytes(x ^ mask[i % 4] for i, x in enumerate(data)), bool(b1 & 0x80)
    def serve(raw):
        try:
            c = ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close(); return
        try:
            head = b""
            while b"\r\n\r\n" not in head: head += c.recv(4096)
            lines = head.decode().split("\r\n")
            path = lines[0].split(" ")[1]
            fields = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
            accept = base64.b64encode(hashlib.sha1((fields["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
            c.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n" % accept).encode())
            c.sendall(frame(0x9, b"hi"))
            c.sendall(frame(0x1, ('{"type":"status","path":"%s"}' % path).encode()))
            blob = bytes(range(256)) * 400
            c.sendall(frame(0x2, blob[:50000], fin=False) + frame(0x0, blob[50000:]))
            while True:
                op, data, masked = read_frame(c)
                if op == 0xA: continue  # our ping's pong
                c.sendall(frame(0x1, b"echo:" + data + (b"" if masked else b" (unmasked!)")))
                break
            c.sendall(frame(0x8, b"\x03\xe8"))
            c.close()
        except Exception:
            c.close()
    while True:
        raw, _ = listener.accept()
        threading.Thread(target=serve, args=(raw,), daemon=True).start()
    """#

    final class Server {
        let process = Process()
        let port: Int
        let input = Pipe()
        init(cert: String, key: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", WebSocketTLSTests.server, cert, key]
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = input
            try process.run()
            var line = Data()
            while !line.contains(0x0A) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        deinit {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    @Test func messagesArriveOverTLSFromATrustedServer() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("af-wss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (cert, key) = try Self.makeCertificate(in: dir)
        let server = try Server(cert: cert, key: key)
        try #require(server.port > 0)

        let url = URL(string: "wss://localhost:\(server.port)/ws?clientId=abc")!
        let socket = try WebSocketClient(url: url, headers: [], timeout: 5, extraTrustedCAFile: cert)
        defer { socket.close() }
        var messages: [WebSocketClient.Message] = []
        while messages.count < 2, let message = try socket.receive(timeout: 5) { messages.append(message) }
        var blob: [UInt8] = []
        for _ in 0..<400 { for byte in 0...255 { blob.append(UInt8(byte)) } }
        let status = WebSocketClient.Message.text(#"{"type":"status","path":"/ws?clientId=abc"}"#)
        let binary = WebSocketClient.Message.binary(blob)
        try #require(messages.count == 2)
        #expect(messages[0] == status)
        #expect(messages[1] == binary)
        try socket.sendFrame(opcode: 0x1, payload: Array("hello".utf8))
        #expect(try socket.receive(timeout: 5) == .text("echo:hello"))
        #expect(throws: WebSocketClient.Failure.self) { _ = try socket.receive(timeout: 5) }
        #expect(!socket.isOpen)
    }

    @Test func anUntrustedCertificateOrAnotherNameIsRefusedWithAReason() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("af-wss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (cert, key) = try Self.makeCertificate(in: dir)
        let server = try Server(cert: cert, key: key)
        try #require(server.port > 0)

        func failure(_ url: String, ca: String?) -> String {
            do {
                let socket = try WebSocketClient(url: URL(string: url)!, headers: [], timeout: 5, extraTrustedCAFile: ca)
                socket.close()
                return "connected"
            } catch {
                return "\(error)"
            }
        }
        // Not in the system's store: refused, saying why.
        let untrusted = failure("wss://localhost:\(server.port)/ws", ca: nil)
        #expect(untrusted.contains("certificate verify failed"), "\(untrusted)")
        #expect(untrusted.contains("self-signed") || untrusted.contains("self signed"), "\(untrusted)")
        // Trusted, but the certificate names localhost, not 127.0.0.1.
        let mismatch = failure("wss://127.0.0.1:\(server.port)/ws", ca: cert)
        #expect(mismatch.contains("certificate verify failed"), "\(mismatch)")
        #expect(mismatch.lowercased().contains("mismatch"), "\(mismatch)")
        // Plain ws:// to a TLS port: the handshake fails rather than hanging.
        let plain = failure("ws://localhost:\(server.port)/ws", ca: nil)
        #expect(plain != "connected")
        // Other schemes are refused up front.
        #expect(failure("http://localhost:\(server.port)/ws", ca: nil).contains("ws:// or wss://"))
    }
}
