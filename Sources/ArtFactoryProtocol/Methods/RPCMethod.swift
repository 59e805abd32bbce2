/// One JSON-RPC method: its wire name, typed params and result, and the documentation that goes
/// into the OpenRPC document. Each method lives in its own file under `Methods/`.
public protocol RPCMethod {
    associatedtype Params: Codable & Sendable
    associatedtype Result: Codable & Sendable

    /// The wire name, e.g. `"daemon.status"`.
    static var method: String { get }
    /// One line for people.
    static var summary: String { get }
    /// More detail: units, side effects, when it is slow.
    static var details: String { get }
    /// The params object's members, in positional order (positional params map onto these names).
    static var params: [Schema.Property] { get }
    /// The result's schema.
    static var result: Schema { get }
    /// Application error codes this method may answer with, beyond the standard ones.
    static var errors: [Int] { get }
    /// A representative params value: documentation, and a drift check against `params`.
    static var exampleParams: Params { get }
    /// A representative result value, likewise.
    static var exampleResult: Result { get }
}

extension RPCMethod {
    public static var details: String { "" }
    public static var errors: [Int] { [] }
}

/// Params for methods that take none. Accepts an absent params member, `{}` or `[]`.
public struct NoParams: Codable, Sendable, Equatable {
    public init() {}
    /// Opens the (empty) object so strict decoding rejects any member sent anyway.
    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: PathKey.self)
    }
    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: PathKey.self)
    }
}
