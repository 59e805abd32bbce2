import ArtFactoryProtocol
import Foundation
import Logging

/// How one provider was last seen: `unknown` (not contacted yet), `ok`, `unreachable` or `authFailed`.
struct ProviderReachability: Sendable, Equatable {
    var state: String = "unknown"
    /// Milliseconds since the epoch.
    var checkedAt: Int64?
    var detail: String?
}

/// Talks to one provider's API: adds the key, waits for the token bucket, retries 429 (after
/// `Retry-After`), 5xx and timeouts with exponential backoff and jitter, and records reachability.
/// Blocking; runs on worker threads. Thread-safe.
final class ProviderClient: @unchecked Sendable {
    let name: String
    let keys: ProviderKeys
    let http: HTTPClient
    let logger: Logger
    let bucket: TokenBucket
    private let lock = NSLock()
    private var _profile: ProviderProfile
    private var _reachability = ProviderReachability()

    init(profile: ProviderProfile, keys: ProviderKeys, http: HTTPClient, logger: Logger) {
        name = profile.name
        _profile = profile
        self.keys = keys
        self.http = http
        self.logger = logger
        bucket = TokenBucket(rate: profile.requestsPerSecond, burst: profile.burst)
    }

    var profile: ProviderProfile { lock.withLock { _profile } }

    func update(_ profile: ProviderProfile) {
        lock.withLock { _profile = profile }
        bucket.configure(rate: profile.requestsPerSecond, burst: profile.burst)
    }

    var reachability: ProviderReachability { lock.withLock { _reachability } }

    func mark(_ state: String, _ detail: String? = nil) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        lock.withLock { _reachability = ProviderReachability(state: state, checkedAt: now, detail: detail) }
    }

    /// The `Authorization` header value for this provider's scheme.
    private func authorization(_ key: String) -> String { name == "fal" ? "Key \(key)" : "Bearer \(key)" }

    /// `url` under the base URL: `path` is appended to the base path.
    func endpoint(_ path: String, query: [(String, String)] = []) -> URL {
        let base = profile.baseURL.absoluteString.hasSuffix("/") ? String(profile.baseURL.absoluteString.dropLast()) : profile.baseURL.absoluteString
        var components = URLComponents(string: base + path)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        // URLComponents leaves `+` and `/` alone in queries; tokens may hold them.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.url!
    }

    /// Whether `url` is on the API's own origin (only then may it receive the key).
    func isSameOrigin(_ url: URL) -> Bool {
        let base = profile.baseURL
        return url.scheme == base.scheme && url.host == base.host && (url.port ?? defaultPort(url)) == (base.port ?? defaultPort(base))
    }

    private func defaultPort(_ url: URL) -> Int { url.scheme == "https" ? 443 : 80 }

    /// A returned URL if it is on the API's origin, else the one built from `fallback`.
    func trusted(_ returned: String?, fallback: @autoclosure () -> URL) -> URL {
        if let returned, let url = URL(string: returned), isSameOrigin(url) { return url }
        return fallback()
    }

    /// Sends one API call with the key, rate limit and retries; returns the status and parsed JSON.
    /// - Throws: ``ProviderError``, or `CancellationError` when `stop` says so while waiting.
    func call(_ method: String, _ url: URL, body: JSONValue? = nil, headers extra: [(String, String)] = [],
              acceptStatuses: Set<Int> = [], stop: () -> Bool) throws -> (status: Int, json: JSONValue?) {
        guard let key = keys.key(for: name) else { throw ProviderError.noKey(provider: name) }
        let p = profile
        var headers = [("Authorization", authorization(key)), ("Accept", "application/json")] + extra
        var data: Data?
        if let body {
            data = Data(JSONWriter.bytes(body))
            headers.append(("Content-Type", "application/json"))
        }
        var attempt = 0
        var networkFailures = 0
        while true {
            if stop() { throw CancellationError() }
            bucket.take()
            let response: HTTPResponse
            do {
                response = try http.send(HTTPRequest(method: method, url: url, headers: headers, body: data, timeout: p.timeoutSeconds))
            } catch let failure as HTTPFailure {
                switch failure {
                case .network(let why):
                    mark("unreachable", why)
                    // A couple of quick retries; longer outages are the executor's offline wait.
                    if networkFailures < min(2, p.maxRetries) {
                        networkFailures += 1
                        try pause(backoff(networkFailures), stop: stop)
                        continue
                    }
                    throw ProviderError.unreachable(provider: name, detail: why)
                case .timeout:
                    logger.warning("provider request timed out", metadata: ["provider": .string(name), "method": .string(method), "path": .string(url.path)])
                    if attempt < p.maxRetries {
                        attempt += 1
                        try pause(backoff(attempt), stop: stop)
                        continue
                    }
                    mark("unreachable", failure.description)
                    throw ProviderError.unreachable(provider: name, detail: failure.description)
                }
            }
            let status = response.status
            if status == 401 || status == 403 {
                mark("authFailed", "HTTP \(status)")
                throw ProviderError.authentication(provider: name, status: status)
            }
            mark("ok")
            if (200..<300).contains(status) || acceptStatuses.contains(status) {
                if response.body.isEmpty || response.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }) { return (status, nil) }
                do {
                    return (status, try JSONParser().parse(Array(response.body)))
                } catch {
                    logger.warning("provider sent malformed JSON", metadata: ["provider": .string(name), "path": .string(url.path), "attempt": .stringConvertible(attempt)])
                    if attempt < p.maxRetries {
                        attempt += 1
                        try pause(backoff(attempt), stop: stop)
                        continue
                    }
                    throw ProviderError.malformed(provider: name, detail: "invalid JSON from \(url.path)")
                }
            }
            if status == 429 || (500...599).contains(status) {
                guard attempt < p.maxRetries else {
                    throw ProviderError.http(provider: name, status: status,
                                             detail: status == 429 ? "rate limited after \(attempt + 1) tries; lower requestsPerSecond or try later"
                                                                  : "server error after \(attempt + 1) tries; try again later")
                }
                attempt += 1
                var wait = backoff(attempt)
                if status == 429, let retryAfter = response.header("Retry-After").flatMap(Self.retryAfterSeconds) {
                    wait = min(retryAfter, max(p.maxBackoffSeconds, 60))
                }
                logger.notice("provider asked us to back off", metadata: ["provider": .string(name), "status": .stringConvertible(status),
                                                                          "waitSeconds": .string(String(format: "%.2f", wait))])
                try pause(wait, stop: stop)
                continue
            }
            throw ProviderError.http(provider: name, status: status, detail: scrub(Self.detail(response.body), key: key))
        }
    }

    /// Downloads a result file. The key goes along only to the API's own origin.
    /// - Returns: the status and body (any status; the caller decides what a 403/404 means).
    func download(_ url: URL) throws -> HTTPResponse {
        var headers: [(String, String)] = []
        if isSameOrigin(url), let key = keys.key(for: name) { headers.append(("Authorization", authorization(key))) }
        do {
            return try http.send(HTTPRequest(method: "GET", url: url, headers: headers, timeout: max(profile.timeoutSeconds, 30)))
        } catch let failure as HTTPFailure {
            throw ProviderError.unreachable(provider: name, detail: failure.description)
        }
    }

    /// Exponential backoff with full jitter: uniform in [base·2^(n-1) / 2, base·2^(n-1)], capped.
    func backoff(_ attempt: Int) -> Double {
        let p = profile
        let ceiling = min(p.maxBackoffSeconds, p.backoffSeconds * pow(2, Double(max(0, attempt - 1))))
        return Double.random(in: (ceiling / 2)...ceiling)
    }

    /// Sleeps `seconds` in short slices, throwing `CancellationError` as soon as `stop` is true.
    func pause(_ seconds: Double, stop: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stop() { throw CancellationError() }
            usleep(useconds_t(min(0.05, max(0, deadline.timeIntervalSinceNow)) * 1e6))
        }
        if stop() { throw CancellationError() }
    }

    /// `Retry-After` as seconds: a number or an HTTP date.
    static func retryAfterSeconds(_ value: String) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: trimmed).map { max(0, $0.timeIntervalSinceNow) }
    }

    /// A short human detail from an error body (`detail`, `error`, `message`), at most 200 characters.
    static func detail(_ body: Data) -> String {
        if let json = try? JSONParser().parse(Array(body)) {
            for field in ["detail", "error", "message", "title"] {
                if let s = json[field]?.stringValue { return String(s.prefix(200)) }
                if let a = json[field]?.arrayValue, let first = a.first {
                    return String((first["msg"]?.stringValue ?? JSONWriter.string(first)).prefix(200))
                }
            }
        }
        return ""
    }

    /// Removes any copy of the key from text that came from the provider.
    func scrub(_ text: String, key: String) -> String {
        key.count >= 4 ? text.replacingOccurrences(of: key, with: "[key]") : text
    }
}
