import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation

/// What a handler knows about the call it serves.
public struct RequestContext: @unchecked Sendable {
    /// The calling connection (to subscribe it to events, say).
    public let connection: Connection
}

/// Where a handler runs: on the event loop (cheap, non-blocking work only) or on a worker thread
/// (anything that touches the disk, the database or the engine).
public enum Execution: Sendable {
    case loop
    case worker
}

/// The daemon's one table of methods: the dispatcher routes from it and `rpc.discover` documents
/// exactly what it holds, so the two cannot disagree.
public final class MethodTable: @unchecked Sendable {
    struct Entry: @unchecked Sendable {
        let execution: Execution
        let doc: OpenRPCDocument.Entry
        let paramNames: [String]
        let invoke: (JSONValue?, RequestContext) throws -> JSONValue
    }

    private(set) var entries: [String: Entry] = [:]
    /// The OpenRPC document, built once: the table does not change after start-up and the document
    /// is large (every method's schemas), so rebuilding it per `rpc.discover` would stall the loop.
    private var document: JSONValue?
    private let documentLock = NSLock()

    public init() {}

    /// Registers `M` with its handler. Registering a name twice is a programming error.
    public func register<M: RPCMethod>(_ m: M.Type, on execution: Execution,
                                       _ handler: @escaping (M.Params, RequestContext) throws -> M.Result) {
        precondition(entries[M.method] == nil, "method \(M.method) registered twice")
        documentLock.withLock { document = nil }
        let names = M.params.map(\.name)
        entries[M.method] = Entry(execution: execution, doc: OpenRPCDocument.Entry(M.self), paramNames: names) { raw, ctx in
            let params = try MethodTable.decodeParams(M.Params.self, raw, names: names)
            let result = try handler(params, ctx)
            if let json = result as? JSONValue { return json }
            return try JSONValueEncoder().encode(result)
        }
    }

    /// The registered method names, sorted.
    public var methodNames: [String] { entries.keys.sorted() }

    /// The OpenRPC document for this table.
    public func openRPC() -> JSONValue {
        documentLock.withLock {
            if let document { return document }
            let built = OpenRPCDocument.build(version: ArtFactoryVersion.string, entries: entries.values.map(\.doc))
            document = built
            return built
        }
    }

    /// Positional params map onto the documented names in order; absent params decode as `{}`.
    static func decodeParams<P: Decodable>(_ type: P.Type, _ raw: JSONValue?, names: [String]) throws -> P {
        var object: JSONValue
        switch raw {
        case nil: object = .object(JSONObject())
        case .array(let items)?:
            guard items.count <= names.count else {
                throw RPCError.invalidParams("expected at most \(names.count) positional params (\(names.joined(separator: ", "))), got \(items.count)")
            }
            object = .object(JSONObject(zip(names, items).map { ($0, $1) }))
        case let v?: object = v
        }
        do {
            return try JSONValueDecoder().decode(P.self, from: object)
        } catch let p as DecodingProblem {
            throw RPCError.invalidParams(p)
        }
    }
}
