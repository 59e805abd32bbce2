import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request for ``HTTPClient``.
struct HTTPRequest: Sendable {
    var method: String
    var url: URL
    var headers: [(String, String)] = []
    var body: Data?
    /// Seconds the whole exchange may take before it fails with ``HTTPFailure/timeout``.
    var timeout: Double

    init(method: String, url: URL, headers: [(String, String)] = [], body: Data? = nil, timeout: Double) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// Whether the request carries credentials (then redirects are not followed: a redirect to
    /// another host must never receive the key).
    var hasCredentials: Bool { headers.contains { $0.0.lowercased() == "authorization" } }
}

/// A complete HTTP response.
struct HTTPResponse: Sendable {
    var status: Int
    /// Header names in lower case.
    var headers: [String: String]
    var body: Data

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Why no response came back. Messages never contain request headers (they may hold a key).
enum HTTPFailure: Error, Sendable, CustomStringConvertible {
    /// Nothing answered: connection refused, host not found, connection lost, TLS failure.
    case network(String)
    /// No complete answer within the request's timeout.
    case timeout(Double)

    var description: String {
        switch self {
        case .network(let why): return why
        case .timeout(let seconds): return "no answer within \(Int(seconds.rounded())) s"
        }
    }
}

/// A small synchronous HTTP client over Foundation's URLSession (libcurl on Linux, TLS included).
///
/// `send` blocks the calling thread until the response or the timeout, so call it from worker
/// threads only (never the libuv loop). Thread-safe: one session serves every caller. Nothing is
/// cached and no cookies are kept; redirects are followed only for requests without credentials.
final class HTTPClient: @unchecked Sendable {
    private let session: URLSession
    private let delegate = RedirectPolicy()

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit { session.invalidateAndCancel() }

    /// Sends `request` and waits for the whole response.
    /// - Throws: ``HTTPFailure``.
    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = request.timeout
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let box = ResultBox()
        let task = session.dataTask(with: urlRequest) { data, response, error in
            if let error {
                box.set(.failure(HTTPClient.map(error, timeout: request.timeout)))
            } else if let http = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (key, value) in http.allHeaderFields {
                    if let k = key as? String, let v = value as? String { headers[k.lowercased()] = v }
                }
                box.set(.success(HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data())))
            } else {
                box.set(.failure(.network("the answer was not HTTP")))
            }
        }
        task.resume()
        // The session's own timeout is an idle timeout; this bounds the whole exchange.
        guard box.wait(seconds: request.timeout + 1) else {
            task.cancel()
            throw HTTPFailure.timeout(request.timeout)
        }
        return try box.result!.get()
    }

    static func map(_ error: any Error, timeout: Double) -> HTTPFailure {
        if let url = error as? URLError {
            switch url.code {
            case .timedOut: return .timeout(timeout)
            case .cannotConnectToHost: return .network("connection refused")
            case .cannotFindHost, .dnsLookupFailed: return .network("host not found")
            case .notConnectedToInternet: return .network("not connected to the internet")
            case .networkConnectionLost: return .network("connection lost")
            case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
                 .serverCertificateHasUnknownRoot, .clientCertificateRejected:
                return .network("TLS handshake failed")
            case .cancelled: return .timeout(timeout)
            default: return .network("network error \(url.code.rawValue)")
            }
        }
        return .network("network error")
    }

    /// Holds the completion's result for the waiting thread.
    private final class ResultBox: @unchecked Sendable {
        private let condition = NSCondition()
        var result: Result<HTTPResponse, HTTPFailure>?

        func set(_ value: Result<HTTPResponse, HTTPFailure>) {
            condition.lock()
            if result == nil { result = value }
            condition.signal()
            condition.unlock()
        }

        func wait(seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            condition.lock()
            defer { condition.unlock() }
            while result == nil {
                if !condition.wait(until: deadline) { return result != nil }
            }
            return true
        }
    }
}

/// Refuses redirects for requests that carried credentials (the 3xx comes back as the response).
private final class RedirectPolicy: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(task.originalRequest?.value(forHTTPHeaderField: "Authorization") == nil ? request : nil)
    }
}
