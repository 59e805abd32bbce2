/// A JSON-RPC 2.0 error object: what the daemon answers when a call fails.
///
/// `message` is written for a person and says what to do next; `data` carries machine-readable
/// detail (always an object with at least `"kind"`), so scripts can branch on it without parsing text.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "\(message) (code \(code))" }

    /// The error object as it goes on the wire.
    public var jsonValue: JSONValue {
        var o = JSONObject([("code", .int(Int64(code))), ("message", .string(message))])
        if let data { o["data"] = data }
        return .object(o)
    }

    /// Reads an error object received from the wire.
    public init?(json: JSONValue) {
        guard let o = json.objectValue, let code = o["code"]?.intValue, let message = o["message"]?.stringValue else { return nil }
        self.init(code: Int(code), message: message, data: o["data"])
    }
}

/// Error codes: the JSON-RPC 2.0 reserved ones and ArtFactory's documented application codes.
///
/// Application codes live in -32000…-32099 ("server error" range reserved for implementations)
/// and are listed in the OpenRPC document so clients can rely on them.
public enum RPCErrorCode {
    // JSON-RPC 2.0
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    // ArtFactory
    /// The named object (image, project, job, …) does not exist.
    public static let notFound = -32001
    /// The request conflicts with current state (duplicate name, job already finished, …).
    public static let conflict = -32002
    /// The daemon is shutting down and accepts no new work.
    public static let shuttingDown = -32003
    /// A message line exceeded the configured maximum size; the connection is closed after this error.
    public static let messageTooLarge = -32004
    /// A client-supplied path is outside the places the daemon may read or write.
    public static let pathNotAllowed = -32005
    /// A file the request names is unusable (not an image, truncated, too large, …).
    public static let invalidFile = -32006
    /// A model or provider is unavailable (not installed, failed to load, unreachable).
    public static let unavailable = -32007
    /// A quota, rate limit or size limit was exceeded.
    public static let limitExceeded = -32008
    /// The operation was canceled.
    public static let canceled = -32009
    /// The connecting process belongs to another user; the connection is closed.
    public static let permissionDenied = -32010

    /// Every application code with its one-line meaning, for the OpenRPC document and `docs/protocol.md`.
    public static let documented: [(code: Int, name: String, meaning: String)] = [
        (parseError, "Parse error", "The line is not valid JSON (or not valid UTF-8)."),
        (invalidRequest, "Invalid Request", "The JSON is not a valid JSON-RPC 2.0 request object."),
        (methodNotFound, "Method not found", "No such method; rpc.discover lists them all."),
        (invalidParams, "Invalid params", "Params are missing, of the wrong type, out of range or carry unknown fields; data.path names the field."),
        (internalError, "Internal error", "A bug or an unexpected system failure; the daemon log has details."),
        (notFound, "Not found", "The object named in params does not exist."),
        (conflict, "Conflict", "The request conflicts with the current state."),
        (shuttingDown, "Shutting down", "The daemon is stopping; retry after it restarts."),
        (messageTooLarge, "Message too large", "The line exceeded the daemon's limit; the connection is closed."),
        (pathNotAllowed, "Path not allowed", "A path in params is outside the allowed places."),
        (invalidFile, "Invalid file", "A file named in params is not a usable image or model."),
        (unavailable, "Unavailable", "A model or provider cannot be used right now."),
        (limitExceeded, "Limit exceeded", "A quota, rate limit or size limit was reached."),
        (canceled, "Canceled", "The operation was canceled."),
        (permissionDenied, "Permission denied", "Only the daemon's owner (same uid) may connect; the connection is closed."),
    ]
}

extension RPCError {
    public static func parseError(_ detail: String) -> RPCError {
        RPCError(code: RPCErrorCode.parseError, message: "Parse error: \(detail)", data: ["kind": "parse"])
    }
    public static func invalidRequest(_ detail: String) -> RPCError {
        RPCError(code: RPCErrorCode.invalidRequest, message: "Invalid Request: \(detail)", data: ["kind": "invalidRequest"])
    }
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: RPCErrorCode.methodNotFound,
                 message: "Method not found: '\(method)'. Call rpc.discover for the list of methods.",
                 data: ["kind": "methodNotFound", "method": .string(method)])
    }
    public static func invalidParams(_ problem: DecodingProblem) -> RPCError {
        RPCError(code: RPCErrorCode.invalidParams, message: "Invalid params: \(problem)",
                 data: ["kind": "invalidParams", "path": .string(problem.path.joined(separator: "."))])
    }
    public static func invalidParams(_ message: String, field: String? = nil) -> RPCError {
        var d = JSONObject([("kind", "invalidParams")])
        if let field { d["path"] = .string(field) }
        return RPCError(code: RPCErrorCode.invalidParams, message: "Invalid params: \(message)", data: .object(d))
    }
    public static func internalError(_ detail: String) -> RPCError {
        RPCError(code: RPCErrorCode.internalError, message: "Internal error: \(detail). See the daemon log (artfactory daemon logs).",
                 data: ["kind": "internal"])
    }
    public static func notFound(_ kind: String, _ id: String) -> RPCError {
        RPCError(code: RPCErrorCode.notFound, message: "No \(kind) with id '\(id)'.",
                 data: ["kind": "notFound", "object": .string(kind), "id": .string(id)])
    }
    public static func conflict(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.conflict, message: message, data: ["kind": "conflict"])
    }
    public static var shuttingDown: RPCError {
        RPCError(code: RPCErrorCode.shuttingDown, message: "The daemon is shutting down; retry once it has restarted.",
                 data: ["kind": "shuttingDown"])
    }
    public static func messageTooLarge(limit: Int) -> RPCError {
        RPCError(code: RPCErrorCode.messageTooLarge,
                 message: "Message too large: a line may hold at most \(limit) bytes; the connection will be closed.",
                 data: ["kind": "messageTooLarge", "limit": .int(Int64(limit))])
    }
}
