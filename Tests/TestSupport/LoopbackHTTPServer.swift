import ArtFactoryProtocol
import Foundation
import Glibc

/// A small HTTP/1.1 server on 127.0.0.1 for tests: plain http, one thread per connection,
/// `Connection: close` after every response. It stands in for the remote providers' APIs.
public final class LoopbackHTTPServer: @unchecked Sendable {
    /// A parsed request.
    public struct Request: Sendable {
        public var method: String
        /// Path without the query, percent-decoded.
        public var path: String
        public var query: [String: String]
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: [UInt8]
        /// When the request was read.
        public var receivedAt = Date()
        public var json: JSONValue? { try? JSONParser().parse(body) }
        /// Path components without empty ones.
        public var components: [String] { path.split(separator: "/").map(String.init) }
    }

    /// What to answer.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        /// Seconds to wait before answering (slow-server tests).
        public var delay: Double = 0
        /// Close the connection without answering (a server that died mid-request).
        public var drop = false

        public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], delay: Double = 0) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }

        public static func json(_ value: JSONValue, status: Int = 200) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")], body: JSONWriter.bytes(value))
        }

        /// No answer: the connection is closed.
        public static var dropped: Response {
            var r = Response(status: 500)
            r.drop = true
            return r
        }
    }

    public let port: UInt16
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    private let fd: Int32
    private let handler: @Sendable (Request) -> Response
    /// Takes over connections that ask for `Upgrade: websocket` (the socket is closed when it returns).
    private let upgrade: (@Sendable (Request, Int32) -> Void)?
    private let lock = NSLock()
    private var stopped = false
    private var log: [Request] = []

    /// Starts listening. - Parameter port: 0 picks a free one; a fixed one restarts a server where an earlier one stopped.
    public init(port: UInt16 = 0, upgrade: (@Sendable (Request, Int32) -> Void)? = nil, handler: @escaping @Sendable (Request) -> Response) throws {
        self.handler = handler
        self.upgrade = upgrade
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard sock >= 0 else { throw TestFailure("socket failed") }
        var one: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(sock, 64) == 0 else {
            let why = String(cString: strerror(errno))
            close(sock)
            throw TestFailure("cannot listen on 127.0.0.1:\(port): \(why)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &length) } }
        fd = sock
        self.port = UInt16(bigEndian: actual.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "loopback-http"
        thread.start()
    }

    /// A port nothing listens on (bound once, then released): for connection-refused tests.
    public static func unusedPort() throws -> UInt16 {
        let s = try LoopbackHTTPServer { _ in Response(status: 500) }
        let port = s.port
        s.stop()
        return port
    }

    /// Every request served so far, in arrival order.
    public var requests: [Request] { lock.withLock { log } }

    /// Stops accepting (new connections are then refused).
    public func stop() {
        lock.withLock { stopped = true }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    deinit { if !lock.withLock({ stopped }) { stop() } }

    private func acceptLoop() {
        while true {
            let conn = accept(fd, nil, nil)
            if conn < 0 {
                if errno == EINTR { continue }
                return
            }
            if lock.withLock({ stopped }) { close(conn); return }
            let thread = Thread { [self] in serve(conn) }
            thread.start()
        }
    }

    private func serve(_ conn: Int32) {
        defer { close(conn) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = read(conn, &chunk, chunk.count)
            guard n > 0 else { return }
            buffer += chunk[0..<n]
            headerEnd = Self.find([13, 10, 13, 10], in: buffer)
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(buffer[(headerEnd! + 4)...])
        let length = Int(headers["content-length"] ?? "0") ?? 0
        if length > body.count, headers["expect"]?.lowercased() == "100-continue" { write(conn, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) }
        while body.count < length {
            let n = read(conn, &chunk, chunk.count)
            guard n > 0 else { return }
            body += chunk[0..<n]
        }
        let target = requestLine[1]
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                let value = kv.count == 2 ? kv[1] : ""
                query[kv[0].removingPercentEncoding ?? kv[0]] = value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? value
            }
        }
        let request = Request(method: requestLine[0], path: parts[0].removingPercentEncoding ?? parts[0], query: query, headers: headers, body: body)
        lock.withLock { log.append(request) }
        if let upgrade, headers["upgrade"]?.lowercased() == "websocket" {
            upgrade(request, conn)
            return
        }
        let response = handler(request)
        if response.delay > 0 { usleep(useconds_t(response.delay * 1e6)) }
        if response.drop { return }
        var text = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (k, v) in response.headers { text += "\(k): \(v)\r\n" }
        text += "\r\n"
        write(conn, Array(text.utf8) + response.body)
    }

    private func write(_ conn: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(conn, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 409: return "Conflict"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
