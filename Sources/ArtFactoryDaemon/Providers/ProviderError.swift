import ArtFactoryProtocol
import Foundation

/// Why a remote call failed. Every message names the provider and says what to do; none ever
/// contains a key (keys travel only in request headers, which no error reproduces).
enum ProviderError: Error, Sendable {
    /// 401/403: the key is missing, wrong or revoked.
    case authentication(provider: String, status: Int)
    /// No key is set at all.
    case noKey(provider: String)
    /// Nothing answered (connection refused, DNS, TLS) after the quick retries.
    case unreachable(provider: String, detail: String)
    /// Answered with an error status that retrying did not fix.
    case http(provider: String, status: Int, detail: String)
    /// The answer was not the JSON the API documents.
    case malformed(provider: String, detail: String)
    /// The provider ran the request and reports it failed.
    case remoteFailed(provider: String, detail: String)

    var message: String {
        switch self {
        case .authentication(let p, let status):
            return "authentication failed for \(p) (HTTP \(status)); set a valid key with `artfactory provider set-key \(p)`"
        case .noKey(let p):
            return "no API key is set for \(p); set one with `artfactory provider set-key \(p)` or the \(ProviderProfile.environmentKey(of: p)) environment variable"
        case .unreachable(let p, let detail):
            return "\(p) cannot be reached (\(detail)); check the network connection"
        case .http(let p, let status, let detail):
            return "\(p) answered HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")"
        case .malformed(let p, let detail):
            return "\(p) sent an answer we cannot read (\(detail)); try again later"
        case .remoteFailed(let p, let detail):
            return "\(p) reports the generation failed: \(detail)"
        }
    }

    /// The error as clients see it.
    var rpcError: RPCError {
        switch self {
        case .authentication(let p, let status):
            return RPCError(code: RPCErrorCode.unavailable, message: message, data: ["kind": "authFailed", "provider": .string(p), "status": .int(Int64(status))])
        case .noKey(let p):
            return RPCError(code: RPCErrorCode.unavailable, message: message, data: ["kind": "noKey", "provider": .string(p)])
        case .unreachable(let p, _):
            return RPCError(code: RPCErrorCode.unavailable, message: message, data: ["kind": "unreachable", "provider": .string(p)])
        case .http(let p, let status, _):
            return RPCError(code: RPCErrorCode.unavailable, message: message, data: ["kind": "http", "provider": .string(p), "status": .int(Int64(status))])
        case .malformed(let p, _):
            return RPCError(code: RPCErrorCode.unavailable, message: message, data: ["kind": "malformed", "provider": .string(p)])
        case .remoteFailed(let p, _):
            return RPCError(code: RPCErrorCode.unavailable, message: message, data: ["kind": "remoteFailed", "provider": .string(p)])
        }
    }
}

/// A token bucket: `rate` tokens a second, at most `burst` saved up. ``take()`` blocks the calling
/// (worker) thread until a token is free. Thread-safe.
final class TokenBucket: @unchecked Sendable {
    private let lock = NSLock()
    private var rate: Double
    private var burst: Double
    private var tokens: Double
    private var last: UInt64

    init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = Double(burst)
        tokens = Double(burst)
        last = DispatchTime.now().uptimeNanoseconds
    }

    /// Applies new limits (config reload), keeping the tokens saved so far.
    func configure(rate: Double, burst: Int) {
        lock.withLock {
            self.rate = rate
            self.burst = Double(burst)
            tokens = min(tokens, self.burst)
        }
    }

    /// Seconds until a token is free (0 = one was taken now).
    func reserve() -> Double {
        lock.withLock {
            let now = DispatchTime.now().uptimeNanoseconds
            tokens = min(burst, tokens + Double(now &- last) / 1e9 * rate)
            last = now
            if tokens >= 1 {
                tokens -= 1
                return 0
            }
            return (1 - tokens) / rate
        }
    }

    /// Takes one token, sleeping until one is free.
    func take() {
        while true {
            let wait = reserve()
            if wait <= 0 { return }
            usleep(useconds_t(min(wait, 5) * 1e6))
        }
    }
}
