import ArtFactoryProtocol
import Foundation

/// A fault a fake provider injects before answering normally.
public enum FakeFault: Sendable {
    /// Answer with this status (and `Retry-After` when given) instead.
    case status(Int, retryAfter: String? = nil)
    /// Answer normally, but only after this many seconds.
    case delay(Double)
    /// Answer 200 with a body that is not JSON.
    case malformed
}

/// What every fake provider shares: the valid key, a result image, injected faults per route
/// (`submit`, `status`, `result`, `cancel`, `download`, `probe`), and the loopback server.
public class FakeProvider: @unchecked Sendable {
    public let validKey: String
    public let image: [UInt8]
    let lock = NSLock()
    private var faults: [String: [FakeFault]] = [:]
    /// Downloads answer 404 until the result has been fetched this many times (expired URLs).
    public var expireDownloadsUntilResultFetch = 0
    /// Every download answers this status (a result that cannot be fetched at all).
    public var downloadStatus: Int?
    var resultFetches = 0
    public private(set) var server: LoopbackHTTPServer!

    init(validKey: String, image: [UInt8], port: UInt16) throws {
        self.validKey = validKey
        self.image = image
        server = try LoopbackHTTPServer(port: port) { [unowned self] request in self.respond(request) }
    }

    public var baseURL: String { server.baseURL }
    public var port: UInt16 { server.port }
    public var requests: [LoopbackHTTPServer.Request] { server.requests }

    /// Queues faults for a route; each request to it takes the next one.
    public func inject(_ route: String, _ list: [FakeFault]) { lock.withLock { faults[route, default: []] += list } }

    public func stop() { server.stop() }

    func route(_ request: LoopbackHTTPServer.Request) -> String { "" }
    func authorized(_ request: LoopbackHTTPServer.Request) -> Bool { request.headers["authorization"] == "Bearer \(validKey)" }
    func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response { .init(status: 404) }

    private func respond(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        if request.components.first == "files" { return download(request) }
        let name = route(request)
        let fault: FakeFault? = lock.withLock {
            guard var list = faults[name], !list.isEmpty else { return nil }
            let first = list.removeFirst()
            faults[name] = list
            return first
        }
        var delay = 0.0
        switch fault {
        case .status(let code, let retryAfter)?:
            return .init(status: code, headers: retryAfter.map { [("Retry-After", $0)] } ?? [], body: Array(#"{"detail":"injected"}"#.utf8))
        case .malformed?:
            return .init(status: 200, headers: [("Content-Type", "application/json")], body: Array("{\"status\": IN_QUEUE".utf8))
        case .delay(let seconds)?:
            delay = seconds
        case nil:
            break
        }
        guard authorized(request) else { return .json(["detail": "Invalid credentials"], status: 401) }
        var response = handle(request)
        response.delay = delay
        return response
    }

    private func download(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        let fault: FakeFault? = lock.withLock {
            guard var list = faults["download"], !list.isEmpty else { return nil }
            let first = list.removeFirst()
            faults["download"] = list
            return first
        }
        if case .status(let code, _)? = fault { return .init(status: code) }
        let (expired, forced) = lock.withLock { (resultFetches < expireDownloadsUntilResultFetch, downloadStatus) }
        if let forced { return .init(status: forced, body: Array("AccessDenied".utf8)) }
        if expired { return .init(status: 404, body: Array("NoSuchKey".utf8)) }
        return .init(status: 200, headers: [("Content-Type", "image/png")], body: image)
    }

    /// The number of requests to a route so far.
    public func count(_ name: String) -> Int { requests.filter { route($0) == name && $0.components.first != "files" }.count }
}

/// fal.ai's queue API.
public final class FakeFal: FakeProvider, @unchecked Sendable {
    struct Entry {
        var polls = 0
        var images: Int
        var seed: Int64
        var canceled = false
        var app: String
    }
    /// Statuses returned by successive status polls (the last repeats).
    public var statuses = ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]
    /// When set, the result answers 422 with this detail.
    public var failure: String?
    private var entries: [String: Entry] = [:]
    public private(set) var lastSubmit: JSONValue?

    public override init(validKey: String, image: [UInt8], port: UInt16 = 0) throws { try super.init(validKey: validKey, image: image, port: port) }

    public var canceledIds: [String] { lock.withLock { entries.filter { $0.value.canceled }.map(\.key) } }

    override func authorized(_ request: LoopbackHTTPServer.Request) -> Bool { request.headers["authorization"] == "Key \(validKey)" }

    override func route(_ r: LoopbackHTTPServer.Request) -> String {
        let c = r.components
        guard let i = c.firstIndex(of: "requests") else { return r.method == "POST" ? "submit" : "other" }
        if c.count > i + 2 { return c[i + 2] == "status" ? (c[i + 1].hasPrefix("00000000") ? "probe" : "status") : "cancel" }
        return "result"
    }

    override func handle(_ r: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        let c = r.components
        switch route(r) {
        case "submit":
            let id = UUID().uuidString.lowercased()
            let app = c.prefix(2).joined(separator: "/")
            let body = r.json
            lock.withLock {
                lastSubmit = body
                entries[id] = Entry(images: Int(body?["num_images"]?.intValue ?? 1), seed: body?["seed"]?.intValue ?? 0, app: app)
            }
            let base = "\(baseURL)/\(app)/requests/\(id)"
            return .json(["request_id": .string(id), "response_url": .string(base), "status_url": .string(base + "/status"),
                          "cancel_url": .string(base + "/cancel"), "queue_position": 0])
        case "probe":
            return .json(["detail": "Request not found"], status: 404)
        default: break
        }
        guard let i = c.firstIndex(of: "requests"), c.count > i + 1 else { return .init(status: 404) }
        let id = c[i + 1]
        return lock.withLock { () -> LoopbackHTTPServer.Response in
            guard var e = entries[id] else { return .json(["detail": "Request not found"], status: 404) }
            switch route(r) {
            case "status":
                let s = e.canceled ? "COMPLETED" : statuses[min(e.polls, statuses.count - 1)]
                e.polls += 1
                entries[id] = e
                var o: JSONObject = JSONObject([("status", .string(s)), ("response_url", .string("\(baseURL)/\(e.app)/requests/\(id)"))])
                if s == "IN_QUEUE" { o["queue_position"] = .int(Int64(max(0, 2 - e.polls))) }
                return .json(.object(o))
            case "cancel":
                e.canceled = true
                entries[id] = e
                return .json(["status": "CANCELLATION_REQUESTED"], status: 202)
            default:
                if e.canceled { return .json(["detail": "Request was cancelled"], status: 400) }
                if let failure { return .json(["detail": .string(failure)], status: 422) }
                resultFetches += 1
                let images: [JSONValue] = (0..<e.images).map { n in
                    // Another origin (as fal's CDN is): the key must not go there.
                    ["url": .string("http://localhost:\(port)/files/\(id)-\(n)-\(resultFetches).png"), "width": 64, "height": 64, "content_type": "image/png"]
                }
                return .json(["images": .array(images), "seed": .int(e.seed), "timings": ["inference": 0.25], "has_nsfw_concepts": [false]])
            }
        }
    }
}

/// Replicate's predictions API.
public final class FakeReplicate: FakeProvider, @unchecked Sendable {
    struct Entry {
        var polls = 0
        var outputs: Int
        var canceled = false
    }
    public var statuses = ["starting", "processing", "succeeded"]
    public var failure: String?
    private var entries: [String: Entry] = [:]
    public private(set) var lastSubmit: JSONValue?
    public private(set) var lastPrefer: String?

    public override init(validKey: String, image: [UInt8], port: UInt16 = 0) throws { try super.init(validKey: validKey, image: image, port: port) }

    override func route(_ r: LoopbackHTTPServer.Request) -> String {
        let c = r.components
        if c == ["v1", "account"] { return "probe" }
        if r.method == "POST", c.last == "predictions" { return "submit" }
        if c.last == "cancel" { return "cancel" }
        return "status"
    }

    private func prediction(_ id: String, _ e: Entry) -> JSONValue {
        let status = e.canceled ? "canceled" : (failure != nil && e.polls >= 2 ? "failed" : statuses[min(e.polls, statuses.count - 1)])
        var o = JSONObject([("id", .string(id)), ("status", .string(status)),
                            ("urls", ["get": .string("\(baseURL)/v1/predictions/\(id)"), "cancel": .string("\(baseURL)/v1/predictions/\(id)/cancel")])])
        o["error"] = status == "failed" ? .string(failure ?? "") : .null
        if status == "succeeded" {
            o["output"] = e.outputs == 1 ? .string("\(baseURL)/files/\(id)-0.png")
                                         : .array((0..<e.outputs).map { .string("\(baseURL)/files/\(id)-\($0).png") })
            o["metrics"] = ["predict_time": 0.5]
        }
        return .object(o)
    }

    override func handle(_ r: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        let c = r.components
        switch route(r) {
        case "probe": return .json(["type": "user", "username": "tester"])
        case "submit":
            let id = "p" + UUID().uuidString.prefix(12).lowercased()
            let body = r.json
            return lock.withLock {
                lastSubmit = body
                lastPrefer = r.headers["prefer"]
                let e = Entry(outputs: Int(body?["input"]?["num_outputs"]?.intValue ?? 1))
                entries[id] = e
                return .json(prediction(id, e), status: 201)
            }
        default:
            guard c.count >= 3 else { return .init(status: 404) }
            let id = c[2]
            return lock.withLock {
                guard var e = entries[id] else { return .json(["detail": "Not found."], status: 404) }
                if route(r) == "cancel" { e.canceled = true } else { e.polls += 1 }
                entries[id] = e
                return .json(prediction(id, e))
            }
        }
    }

    public var canceledIds: [String] { lock.withLock { entries.filter { $0.value.canceled }.map(\.key) } }
}

/// Civitai's orchestration jobs API (consumer jobs by token).
public final class FakeCivitai: FakeProvider, @unchecked Sendable {
    struct Entry {
        var polls = 0
        var jobIds: [String]
        var deleted = false
    }
    private var entries: [String: Entry] = [:]
    public private(set) var lastSubmit: JSONValue?
    public private(set) var lastToken: String?

    public override init(validKey: String, image: [UInt8], port: UInt16 = 0) throws { try super.init(validKey: validKey, image: image, port: port) }

    override func route(_ r: LoopbackHTTPServer.Request) -> String {
        if r.method == "POST" { return "submit" }
        if r.method == "DELETE" { return "cancel" }
        return r.query["token"] != nil ? "status" : "probe"
    }

    override func handle(_ r: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        switch route(r) {
        case "probe": return .json(["detail": "Job not found"], status: 404)
        case "submit":
            let body = r.json
            guard body?["$type"]?.stringValue == "textToImage", body?["model"]?.stringValue?.hasPrefix("urn:air:") == true else {
                return .json(["detail": "invalid job"], status: 400)
            }
            // Tokens are base64: '+', '/' and '=' must survive the query string.
            let token = "eyJ+a/" + UUID().uuidString.prefix(8) + "=="
            let n = Int(body?["quantity"]?.intValue ?? 1)
            let ids = (0..<n).map { _ in UUID().uuidString.lowercased() }
            lock.withLock {
                lastSubmit = body
                entries[token] = Entry(jobIds: ids)
            }
            return .json(["token": .string(token), "jobs": .array(ids.map { ["jobId": .string($0), "cost": 4, "result": [], "scheduled": false] })])
        case "cancel":
            let id = r.components.last ?? ""
            return lock.withLock {
                for (token, var e) in entries where e.jobIds.contains(id) {
                    e.deleted = true
                    entries[token] = e
                }
                return .json(["deleted": true])
            }
        default:
            let token = r.query["token"] ?? ""
            return lock.withLock {
                lastToken = token
                guard var e = entries[token] else { return .json(["detail": "unknown token"], status: 404) }
                e.polls += 1
                entries[token] = e
                let done = e.polls >= 3
                resultFetches += done ? 1 : 0
                let jobs: [JSONValue] = e.jobIds.enumerated().map { i, id in
                    var o = JSONObject([("jobId", .string(id)), ("cost", 4), ("scheduled", .bool(e.polls >= 2))])
                    o["result"] = done ? .array([["blobKey": .string("B\(i)"), "available": true, "blobUrl": .string("\(baseURL)/files/\(id).png")]])
                                       : .array([["blobKey": .string("B\(i)"), "available": false]])
                    if e.deleted { o["lastEvent"] = ["type": "Deleted"] }
                    return .object(o)
                }
                return .json(["token": .string(token), "jobs": .array(jobs)])
            }
        }
    }

    public var deletedTokens: Int { lock.withLock { entries.values.filter(\.deleted).count } }
}
