/// A request id: JSON-RPC allows a string, a number or null.
public enum RPCID: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case string(String)
    case null

    public var jsonValue: JSONValue {
        switch self {
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        case .null: return .null
        }
    }

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return "\"\(s)\""
        case .null: return "null"
        }
    }
}

/// One decoded JSON-RPC request or notification (a request without an id).
public struct RPCRequest: Sendable, Equatable {
    /// `nil` for a notification: the daemon answers nothing, not even errors.
    public var id: RPCID?
    public var method: String
    /// `nil` when absent; otherwise an array (positional) or an object (named).
    public var params: JSONValue?

    public init(id: RPCID?, method: String, params: JSONValue? = nil) {
        self.id = id
        self.method = method
        self.params = params
    }

    public var isNotification: Bool { id == nil }

    /// The request as it goes on the wire.
    public var jsonValue: JSONValue {
        var o = JSONObject([("jsonrpc", "2.0"), ("method", .string(method))])
        if let params { o["params"] = params }
        if let id { o["id"] = id.jsonValue }
        return .object(o)
    }

    /// Validates a parsed JSON value as a request object, per the JSON-RPC 2.0 specification.
    /// - Throws: `RPCError` -32600 with the id when one could be read (else null).
    public init(validating json: JSONValue) throws(RPCRequestFailure) {
        guard case .object(let o) = json else { throw RPCRequestFailure(id: .null, error: .invalidRequest("a request must be a JSON object")) }
        var id: RPCID?
        if let raw = o["id"] {
            switch raw {
            case .int(let i): id = .int(i)
            case .string(let s): id = .string(s)
            case .null: id = .null
            case .double(let d): id = d.rounded() == d && abs(d) < 9e18 ? .int(Int64(d)) : .string(String(d))
            default: throw RPCRequestFailure(id: .null, error: .invalidRequest("\"id\" must be a string, a number or null"))
            }
        }
        let replyID = id ?? .null
        guard o["jsonrpc"] == .string("2.0") else {
            throw RPCRequestFailure(id: replyID, error: .invalidRequest("\"jsonrpc\" must be exactly \"2.0\""))
        }
        guard case .string(let method)? = o["method"] else {
            throw RPCRequestFailure(id: replyID, error: .invalidRequest("\"method\" must be a string"))
        }
        if let params = o["params"] {
            switch params {
            case .array, .object: break
            default: throw RPCRequestFailure(id: replyID, error: .invalidRequest("\"params\" must be an array or an object"))
            }
        }
        for key in o.keys where !["jsonrpc", "method", "params", "id"].contains(key) {
            throw RPCRequestFailure(id: replyID, error: .invalidRequest("unknown member \"\(key)\" in request"))
        }
        self.init(id: id, method: method, params: o["params"])
    }
}

/// A request that failed validation, with the id to answer to.
public struct RPCRequestFailure: Error, Sendable {
    public let id: RPCID
    public let error: RPCError
}

/// A response: a result or an error for one request id.
public struct RPCResponse: Sendable, Equatable {
    public var id: RPCID
    public var outcome: Result<JSONValue, RPCError>

    public init(id: RPCID, result: JSONValue) { self.id = id; outcome = .success(result) }
    public init(id: RPCID, error: RPCError) { self.id = id; outcome = .failure(error) }

    public var jsonValue: JSONValue {
        switch outcome {
        case .success(let r): return ["jsonrpc": "2.0", "result": r, "id": id.jsonValue]
        case .failure(let e): return ["jsonrpc": "2.0", "error": e.jsonValue, "id": id.jsonValue]
        }
    }

    /// Reads a response received from the wire; `nil` when `json` is not one (e.g. a notification).
    public init?(json: JSONValue) {
        guard let o = json.objectValue, o["jsonrpc"] == .string("2.0"), let rawID = o["id"] else { return nil }
        let id: RPCID
        switch rawID {
        case .int(let i): id = .int(i)
        case .string(let s): id = .string(s)
        case .null: id = .null
        default: return nil
        }
        if let e = o["error"], let err = RPCError(json: e) { self.init(id: id, error: err) }
        else if let r = o["result"] { self.init(id: id, result: r) }
        else { return nil }
    }
}

/// A server-to-client notification (`method` + `params`, no id), e.g. `job.progress`.
public struct RPCNotification: Sendable, Equatable {
    public var method: String
    public var params: JSONValue

    public init(method: String, params: JSONValue) {
        self.method = method
        self.params = params
    }

    public var jsonValue: JSONValue { ["jsonrpc": "2.0", "method": .string(method), "params": params] }
}
