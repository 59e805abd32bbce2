/// Builds the OpenRPC document from the method types the daemon registers, so the document
/// cannot list a method the daemon does not dispatch (or miss one it does).
public enum OpenRPCDocument {
    /// A method's descriptor as the document needs it (type-erased `RPCMethod`).
    public struct Entry: Sendable {
        public var name: String
        public var summary: String
        public var details: String
        public var params: [Schema.Property]
        public var result: Schema
        public var errors: [Int]
        public var exampleParams: JSONValue
        public var exampleResult: JSONValue

        public init<M: RPCMethod>(_ m: M.Type) {
            name = M.method
            summary = M.summary
            details = M.details
            params = M.params
            result = M.result
            errors = M.errors
            exampleParams = (try? JSONValueEncoder().encode(M.exampleParams)) ?? .null
            exampleResult = (try? JSONValueEncoder().encode(M.exampleResult)) ?? .null
        }
    }

    /// The document for `entries`, methods sorted by name.
    public static func build(version: String, entries: [Entry]) -> JSONValue {
        let errorsByCode = Dictionary(uniqueKeysWithValues: RPCErrorCode.documented.map { ($0.code, $0) })
        var methods: [JSONValue] = []
        for e in entries.sorted(by: { $0.name < $1.name }) {
            var m = JSONObject([("name", .string(e.name)), ("summary", .string(e.summary))])
            if !e.details.isEmpty { m["description"] = .string(e.details) }
            m["paramStructure"] = "either"
            m["params"] = .array(e.params.map { p in
                ["name": .string(p.name), "required": .bool(p.required), "schema": p.schema.json]
            })
            m["result"] = ["name": .string(e.name + ".result"), "schema": e.result.json]
            let codes = [RPCErrorCode.invalidParams, RPCErrorCode.internalError] + e.errors
            m["errors"] = .array(codes.compactMap { code in
                guard let d = errorsByCode[code] else { return nil }
                return ["code": .int(Int64(code)), "message": .string(d.name), "data": ["description": .string(d.meaning)]]
            })
            m["examples"] = [[
                "name": .string(e.name + " example"),
                "params": .array(e.params.compactMap { p in
                    guard let v = e.exampleParams[p.name] else { return nil }
                    return ["name": .string(p.name), "value": v]
                }),
                "result": ["name": "result", "value": e.exampleResult],
            ]]
            methods.append(.object(m))
        }
        return [
            "openrpc": "1.2.6",
            "info": [
                "title": "ArtFactory daemon (artfactoryd)",
                "version": .string(version),
                "description": "JSON-RPC 2.0 over a Unix socket, one UTF-8 JSON message per line. Errors use the JSON-RPC codes and the application codes listed in x-error-codes.",
            ],
            "methods": .array(methods),
            "x-error-codes": .array(RPCErrorCode.documented.map {
                ["code": .int(Int64($0.code)), "name": .string($0.name), "meaning": .string($0.meaning)]
            }),
            "x-notification-topics": .array(EventTopic.all.map { .string($0) }),
        ]
    }
}
