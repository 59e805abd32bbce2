import ArtFactoryProtocol

/// The JSON-RPC 2.0 specification's example methods, dispatched only when the daemon runs with
/// `ARTFACTORY_SPEC_EXAMPLES=1`, so that conformance tests can replay the specification's own
/// examples verbatim. They are documented in `rpc.discover` whenever they are dispatched.
enum SpecSubtract: RPCMethod {
    static let method = "subtract"
    static let summary = "Specification example: minuend - subtrahend (conformance mode only)."
    struct Params: Codable, Sendable { var minuend: Double; var subtrahend: Double }
    typealias Result = JSONValue
    static let params: [Schema.Property] = [.init("minuend", .number(), required: true), .init("subtrahend", .number(), required: true)]
    static let result = Schema.number()
    static let exampleParams = Params(minuend: 42, subtrahend: 23)
    static let exampleResult: JSONValue = 19
}

enum SpecSum: RPCMethod {
    static let method = "sum"
    static let summary = "Specification example: sum of the positional numbers (conformance mode only)."
    struct Params: Codable, Sendable { var a: Double?; var b: Double?; var c: Double? }
    typealias Result = JSONValue
    static let params: [Schema.Property] = [.init("a", .number()), .init("b", .number()), .init("c", .number())]
    static let result = Schema.number()
    static let exampleParams = Params(a: 1, b: 2, c: 4)
    static let exampleResult: JSONValue = 7
}

enum SpecNotifyHello: RPCMethod {
    static let method = "notify_hello"
    static let summary = "Specification example notification target (conformance mode only)."
    struct Params: Codable, Sendable { var value: Double? }
    typealias Result = JSONValue
    static let params: [Schema.Property] = [.init("value", .number())]
    static let result = Schema.any()
    static let exampleParams = Params(value: 7)
    static let exampleResult: JSONValue = .null
}

enum SpecNotifySum: RPCMethod {
    static let method = "notify_sum"
    static let summary = "Specification example notification target (conformance mode only)."
    typealias Params = SpecSum.Params
    typealias Result = JSONValue
    static let params = SpecSum.params
    static let result = Schema.any()
    static let exampleParams = SpecSum.exampleParams
    static let exampleResult: JSONValue = .null
}

enum SpecUpdate: RPCMethod {
    static let method = "update"
    static let summary = "Specification example notification target (conformance mode only)."
    struct Params: Codable, Sendable { var a: Double?; var b: Double?; var c: Double?; var d: Double?; var e: Double? }
    typealias Result = JSONValue
    static let params: [Schema.Property] = ["a", "b", "c", "d", "e"].map { .init($0, .number()) }
    static let result = Schema.any()
    static let exampleParams = Params(a: 1, b: 2, c: 3, d: 4, e: 5)
    static let exampleResult: JSONValue = .null
}

enum SpecGetData: RPCMethod {
    static let method = "get_data"
    static let summary = "Specification example: returns [\"hello\", 5] (conformance mode only)."
    typealias Params = NoParams
    typealias Result = JSONValue
    static let params: [Schema.Property] = []
    static let result = Schema.array(.any())
    static let exampleParams = NoParams()
    static let exampleResult: JSONValue = ["hello", 5]
}

/// The specification's example methods as a handler group (``Daemon/Options/specExamples``).
struct SpecExampleHandlers: HandlerGroup {
    func register(in table: MethodTable) {
        func number(_ d: Double) -> JSONValue { d.rounded() == d && abs(d) < 1e15 ? .int(Int64(d)) : .double(d) }
        table.register(SpecSubtract.self, on: .loop) { p, _ in number(p.minuend - p.subtrahend) }
        table.register(SpecSum.self, on: .loop) { p, _ in number((p.a ?? 0) + (p.b ?? 0) + (p.c ?? 0)) }
        table.register(SpecNotifyHello.self, on: .loop) { _, _ in .null }
        table.register(SpecNotifySum.self, on: .loop) { _, _ in .null }
        table.register(SpecUpdate.self, on: .loop) { _, _ in .null }
        table.register(SpecGetData.self, on: .loop) { _, _ in ["hello", 5] }
    }
}
