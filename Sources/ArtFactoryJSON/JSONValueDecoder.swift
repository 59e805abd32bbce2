/// Decodes `Decodable` types straight from `JSONValue`s, strictly: wrong types, missing required
/// members and (by default) members the type does not know are errors that name the path.
///
/// This is how every RPC method turns its `params` into a typed value, once, at the edge.
public struct JSONValueDecoder: Sendable {
    /// Reject object members the target type never reads (typos like `widht` then fail loudly).
    public var rejectUnknownKeys: Bool

    public init(rejectUnknownKeys: Bool = true) { self.rejectUnknownKeys = rejectUnknownKeys }

    /// Decodes `type` from `value`. - Throws: `DecodingProblem` naming the offending path.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        let state = DecoderState()
        let decoder = ValueDecoder(value: value, path: [], state: state)
        let result: T
        do {
            result = try decoder.decodeValue(T.self)
        } catch let problem as DecodingProblem {
            throw problem
        } catch let error as DecodingError {
            throw DecodingProblem(error)
        }
        if rejectUnknownKeys {
            for container in state.containers {
                let used = container.used.keys
                if let extra = container.object.keys.first(where: { !used.contains($0) }) {
                    throw DecodingProblem(path: container.path + [extra], message: "unknown field")
                }
            }
        }
        return result
    }
}

/// A decoding failure: where (`path`, e.g. `["images", "0", "width"]`) and what.
public struct DecodingProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: [String]
    public let message: String

    public init(path: [String], message: String) {
        self.path = path
        self.message = message
    }

    init(_ error: DecodingError) {
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            self.init(path: c.codingPath.map(\.stringValue), message: c.debugDescription)
        case .keyNotFound(let key, let c):
            self.init(path: c.codingPath.map(\.stringValue) + [key.stringValue], message: "missing required field")
        @unknown default:
            self.init(path: [], message: "\(error)")
        }
    }

    /// `params.a.b: message`.
    public var description: String {
        path.isEmpty ? message : "\(path.joined(separator: ".")): \(message)"
    }
}

final class UsedKeys { var keys = Set<String>() }

final class DecoderState {
    var containers: [(path: [String], object: JSONObject, used: UsedKeys)] = []
}

/// A coding key made from any string or index.
public struct PathKey: CodingKey {
    public var stringValue: String
    public var intValue: Int?
    public init(stringValue: String) { self.stringValue = stringValue }
    public init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

struct ValueDecoder: Decoder {
    let value: JSONValue
    let path: [String]
    let state: DecoderState
    var codingPath: [any CodingKey] { path.map { PathKey(stringValue: $0) } }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expected: String) -> DecodingProblem {
        DecodingProblem(path: path, message: "expected \(expected), got \(value.kindName)")
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self, let v = value as? T { return v }
        if T.self == JSONObject.self {
            guard case .object(let o) = value, let v = o as? T else { throw mismatch("object") }
            return v
        }
        return try T(from: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch("object") }
        let used = UsedKeys()
        state.containers.append((path, object, used))
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, path: path, state: state, used: used))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch("array") }
        return UnkeyedContainer(items: items, path: path, state: state)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }
}

struct SingleContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var value: JSONValue { decoder.value }

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let b) = value else { throw decoder.mismatch("boolean") }
        return b
    }
    func decode(_ type: String.Type) throws -> String {
        guard case .string(let s) = value else { throw decoder.mismatch("string") }
        return s
    }
    func decode(_ type: Double.Type) throws -> Double {
        guard let d = value.doubleValue else { throw decoder.mismatch("number") }
        return d
    }
    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard let i = value.intValue else { throw decoder.mismatch("integer") }
        guard let v = I(exactly: i) else {
            throw DecodingProblem(path: decoder.path, message: "integer \(i) out of range")
        }
        return v
    }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
}

struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let path: [String]
    let state: DecoderState
    let used: UsedKeys
    var codingPath: [any CodingKey] { path.map { PathKey(stringValue: $0) } }
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool {
        used.keys.insert(key.stringValue)
        return object[key.stringValue] != nil
    }

    func child(_ key: Key) throws -> ValueDecoder {
        used.keys.insert(key.stringValue)
        guard let v = object[key.stringValue] else {
            throw DecodingProblem(path: path + [key.stringValue], message: "missing required field")
        }
        return ValueDecoder(value: v, path: path + [key.stringValue], state: state)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        used.keys.insert(key.stringValue)
        return object[key.stringValue] == nil || object[key.stringValue] == .null
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).decodeValue(T.self)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        used.keys.insert(key.stringValue)
        guard let v = object[key.stringValue], v != .null else { return nil }
        return try ValueDecoder(value: v, path: path + [key.stringValue], state: state).decodeValue(T.self)
    }

    func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
        try child(key).container(keyedBy: N.self)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { ValueDecoder(value: .object(object), path: path, state: state) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct UnkeyedContainer: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let path: [String]
    let state: DecoderState
    var currentIndex = 0
    var codingPath: [any CodingKey] { path.map { PathKey(stringValue: $0) } }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else { throw DecodingProblem(path: path, message: "array has too few elements") }
        defer { currentIndex += 1 }
        return ValueDecoder(value: items[currentIndex], path: path + [String(currentIndex)], state: state)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if items[currentIndex] == .null { currentIndex += 1; return true }
        return false
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }
    mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
        try next().container(keyedBy: N.self)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}
