import ArtFactoryProtocol
import Foundation

/// Why a call to a self-hosted server failed. Messages name the kind and the server (its name or
/// host:port, never credentials) and say what to do. ``retryable`` failures send the image to
/// another server of the pool; the others fail the generation.
enum ServerError: Error, Sendable {
    /// Nothing answered: refused, host not found, the connection dropped mid-job, no answer in time.
    case unreachable(kind: String, server: String, detail: String)
    /// 401/403: the server wants other credentials.
    case authentication(kind: String, server: String, status: Int)
    /// An error status; 5xx and 429 are retried elsewhere, 4xx are not.
    case http(kind: String, server: String, status: Int, detail: String)
    /// The answer is not what the server's API documents.
    case malformed(kind: String, server: String, detail: String)
    /// The server ran the job and reports it failed (a node error, a missing model, …).
    case remoteFailed(kind: String, server: String, detail: String)
    /// No configured server can take the job.
    case noServer(kind: String, detail: String)

    var retryable: Bool {
        switch self {
        case .unreachable, .malformed: return true
        case .http(_, _, let status, _): return status == 429 || status >= 500
        case .authentication, .remoteFailed, .noServer: return false
        }
    }

    var kind: String {
        switch self {
        case .unreachable(let k, _, _), .authentication(let k, _, _), .http(let k, _, _, _), .malformed(let k, _, _),
             .remoteFailed(let k, _, _), .noServer(let k, _):
            return k
        }
    }

    var message: String {
        switch self {
        case .unreachable(let k, let s, let detail):
            return "\(k) server \(s) cannot be reached (\(detail)); check that it runs and that providers.\(k).servers in config.json has its URL"
        case .authentication(let k, let s, let status):
            return "authentication failed for \(k) server \(s) (HTTP \(status)); check its auth (user and password, or token) in providers.\(k).servers in config.json"
        case .http(let k, let s, let status, let detail):
            return "\(k) server \(s) answered HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")"
        case .malformed(let k, let s, let detail):
            return "\(k) server \(s) sent an answer we cannot read (\(detail)); is it really a \(k) server?"
        case .remoteFailed(let k, let s, let detail):
            return "\(k) server \(s) reports the generation failed: \(detail)"
        case .noServer(_, let detail):
            return detail
        }
    }

    var rpcError: RPCError {
        let data: [String: JSONValue]
        switch self {
        case .unreachable(let k, let s, _): data = ["kind": "unreachable", "provider": .string(k), "server": .string(s)]
        case .authentication(let k, let s, let status):
            data = ["kind": "authFailed", "provider": .string(k), "server": .string(s), "status": .int(Int64(status))]
        case .http(let k, let s, let status, _): data = ["kind": "http", "provider": .string(k), "server": .string(s), "status": .int(Int64(status))]
        case .malformed(let k, let s, _): data = ["kind": "malformed", "provider": .string(k), "server": .string(s)]
        case .remoteFailed(let k, let s, _): data = ["kind": "remoteFailed", "provider": .string(k), "server": .string(s)]
        case .noServer(let k, _): data = ["kind": "noServer", "provider": .string(k)]
        }
        return RPCError(code: RPCErrorCode.unavailable, message: message, data: .object(JSONObject(data.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })))
    }
}
