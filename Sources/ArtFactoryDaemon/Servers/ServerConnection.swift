import ArtFactoryProtocol
import Foundation

/// The HTTP side of one self-hosted server: its base URL, its credentials (sent only in the
/// `Authorization` header of requests to this server, never followed across redirects) and calls
/// that map every failure to a ``ServerError`` naming the server by its label. Blocking; worker
/// threads only. Thread-safe.
final class ServerConnection: @unchecked Sendable {
    let kind: String
    let entry: ServerEntry
    let base: URL
    let label: String
    let http: HTTPClient
    /// Seconds for one control call (status, history, catalog); synchronous generation calls get ``generationTimeout``.
    let timeout: Double
    var generationTimeout: Double { max(timeout * 10, 120) }
    private let authorization: String?

    init(kind: String, entry: ServerEntry, http: HTTPClient, timeout: Double) {
        self.kind = kind
        self.entry = entry
        var text = entry.url
        while text.hasSuffix("/") { text.removeLast() }
        base = URL(string: text) ?? URL(string: "http://127.0.0.1")!
        label = entry.label
        self.http = http
        self.timeout = timeout
        authorization = entry.auth?.header
    }

    /// `path` under the base URL, with a query.
    func url(_ path: String, query: [(String, String)] = []) -> URL {
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        components.path = components.path + path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.url!
    }

    var headers: [(String, String)] { authorization.map { [("Authorization", $0)] } ?? [] }

    /// Sends one request; 401/403 become ``ServerError/authentication(kind:server:status:)``, no
    /// answer ``ServerError/unreachable(kind:server:detail:)``. Any other status comes back.
    func send(_ method: String, _ path: String, query: [(String, String)] = [], body: Data? = nil, contentType: String? = nil,
              timeout: Double? = nil) throws -> HTTPResponse {
        var h = headers + [("Accept", "application/json")]
        if let contentType { h.append(("Content-Type", contentType)) }
        let response: HTTPResponse
        do {
            response = try http.send(HTTPRequest(method: method, url: url(path, query: query), headers: h, body: body, timeout: timeout ?? self.timeout))
        } catch let failure as HTTPFailure {
            throw ServerError.unreachable(kind: kind, server: label, detail: failure.description)
        }
        if response.status == 401 || response.status == 403 { throw ServerError.authentication(kind: kind, server: label, status: response.status) }
        return response
    }

    /// A JSON call that must answer 2xx (or one of `accept`); returns the status and the parsed body (nil when empty).
    func json(_ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil, accept: Set<Int> = [],
              timeout: Double? = nil) throws -> (status: Int, json: JSONValue?) {
        let data = body.map { Data(JSONWriter.bytes($0)) }
        let response = try send(method, path, query: query, body: data, contentType: data == nil ? nil : "application/json", timeout: timeout)
        guard (200..<300).contains(response.status) || accept.contains(response.status) else {
            throw ServerError.http(kind: kind, server: label, status: response.status, detail: detail(response.body))
        }
        let trimmed = response.body.filter { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
        if trimmed.isEmpty { return (response.status, nil) }
        do {
            return (response.status, try JSONParser().parse(Array(response.body)))
        } catch {
            throw ServerError.malformed(kind: kind, server: label, detail: "invalid JSON from \(path)")
        }
    }

    /// A multipart/form-data POST (ComfyUI's `/upload/image`): `files` are (field, filename, bytes).
    func multipart(_ path: String, fields: [(String, String)], files: [(String, String, Data)]) throws -> JSONValue? {
        let boundary = "artfactory-" + UUID().uuidString
        var body = Data()
        func line(_ s: String) { body.append(Data((s + "\r\n").utf8)) }
        for (name, value) in fields {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(name)\"")
            line("")
            line(value)
        }
        for (name, filename, data) in files {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"")
            line("Content-Type: image/png")
            line("")
            body.append(data)
            line("")
        }
        line("--\(boundary)--")
        let response = try send("POST", path, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        guard (200..<300).contains(response.status) else {
            throw ServerError.http(kind: kind, server: label, status: response.status, detail: detail(response.body))
        }
        return try? JSONParser().parse(Array(response.body))
    }

    /// A short detail from an error body (`detail`, `error.message`, `error`, `message`), scrubbed of credentials.
    func detail(_ body: Data) -> String {
        var text = ""
        if let json = try? JSONParser().parse(Array(body)) {
            if let s = json["error"]?["message"]?.stringValue { text = s }
            else if let s = ProviderClient.detail(body) as String?, !s.isEmpty { text = s }
        } else if body.count < 300, let s = String(data: body, encoding: .utf8) {
            text = s.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return scrub(String(text.prefix(200)))
    }

    /// Removes any copy of this server's secrets from text it sent.
    func scrub(_ text: String) -> String {
        var out = text
        for secret in entry.auth?.secrets ?? [] { out = out.replacingOccurrences(of: secret, with: "[secret]") }
        if let header = authorization { out = out.replacingOccurrences(of: header, with: "[secret]") }
        return out
    }
}
