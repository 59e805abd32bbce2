/// Encodes `Encodable` values into `JSONValue`s (the inverse of `JSONValueDecoder`).
///
/// Optionals that are `nil` are left out (the synthesised `encodeIfPresent`), members keep the
/// order the type encodes them in.
public struct JSONValueEncoder: Sendable {
    public init() {}

    /// The JSON form of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let v = value as? JSONValue { return v }
        let box = ValueBox()
        try value.encode(to: ValueEncoder(box: box, path: []))
        return box.resolve()
    }
}

extension Encodable {
    /// Shorthand for `try JSONValueEncoder().encode(self)`.
    public func jsonValue() throws -> JSONValue { try JSONValueEncoder().encode(self) }
}

/// Holds a value under construction; containers write into it as they go.
final class ValueBox {
    var value: JSONValue?
    var object: JSONObject?
    var array: [ValueBox]?
    var objectChildren: [(String, ValueBox)] = []

    func resolve() -> JSONValue {
        if let array { return .array(array.map { $0.resolve() }) }
        if object != nil {
            var o = JSONObject()
            for (k, child) in objectChildren { o[k] = child.resolve() }
            return .object(o)
        }
        return value ?? .null
    }
}

struct ValueEncoder: Encoder {
    let box: ValueBox
    let path: [String]
    var codingPath: [any CodingKey] { path.map { PathKey(stringValue: $0) } }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if box.object == nil { box.object = JSONObject() }
        return KeyedEncodingContainer(KeyedEncoder<Key>(box: box, path: path))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if box.array == nil { box.array = [] }
        return UnkeyedEncoder(box: box, path: path)
    }
    func singleValueContainer() -> any SingleValueEncodingContainer { SingleEncoder(box: box, path: path) }
}

/// Encodes one value into a fresh box and resolves it.
func encodeChild<T: Encodable>(_ value: T, path: [String]) throws -> JSONValue {
    if let v = value as? JSONValue { return v }
    if let o = value as? JSONObject { return .object(o) }
    let child = ValueBox()
    try value.encode(to: ValueEncoder(box: child, path: path))
    return child.resolve()
}

struct SingleEncoder: SingleValueEncodingContainer {
    let box: ValueBox
    let path: [String]
    var codingPath: [any CodingKey] { path.map { PathKey(stringValue: $0) } }
    mutating func encodeNil() throws { box.value = .null }
    mutating func encode(_ value: Bool) throws { box.value = .bool(value) }
    mutating func encode(_ value: String) throws { box.value = .string(value) }
    mutating func encode(_ value: Double) throws { box.value = .double(value) }
    mutating func encode(_ value: Float) throws { box.value = .double(Double(value)) }
    mutating func encode(_ value: Int) throws { box.value = .int(Int64(value)) }
    mutating func encode(_ value: Int8) throws { box.value = .int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { box.value = .int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { box.value = .int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { box.value = .int(value) }
    mutating func encode(_ value: UInt) throws { box.value = .int(Int64(clamping: value)) }
    mutating func encode(_ value: UInt8) throws { box.value = .int(Int64(value)) }
    mutating func encode(_ value: UInt16) throws { box.value = .int(Int64(value)) }
    mutating func encode(_ value: UInt32) throws { box.value = .int(Int64(value)) }
    mutating func encode(_ value: UInt64) throws { box.value = .int(Int64(clamping: value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { box.value = try encodeChild(value, path: path) }
}

struct KeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ValueBox
    let path: [String]
    var codingPath: [any CodingKey] { path.map { PathKey(stringValue: $0) } }

    func childBox(_ key: Key) -> ValueBox {
        if let existing = box.objectChildren.first(where: { $0.0 == key.stringValue }) { return existing.1 }
        let child = ValueBox()
        box.objectChildren.append((key.stringValue, child))
        return child
    }
    mutating func encodeNil(forKey key: Key) throws { childBox(key).value = .null }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        childBox(key).value = try encodeChild(value, path: path + [key.stringValue])
    }
    mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> {
        ValueEncoder(box: childBox(key), path: path + [key.stringValue]).container(keyedBy: N.self)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        ValueEncoder(box: childBox(key), path: path + [key.stringValue]).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { ValueEncoder(box: box, path: path) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { ValueEncoder(box: childBox(key), path: path + [key.stringValue]) }
}

struct UnkeyedEncoder: UnkeyedEncodingContainer {
    let box: ValueBox
    let path: [String]
    var codingPath: [any CodingKey] { path.map { PathKey(stringValue: $0) } }
    var count: Int { box.array?.count ?? 0 }

    func appendBox() -> ValueBox {
        let child = ValueBox()
        box.array?.append(child)
        return child
    }
    mutating func encodeNil() throws { appendBox().value = .null }
    mutating func encode<T: Encodable>(_ value: T) throws {
        appendBox().value = try encodeChild(value, path: path + [String(count)])
    }
    mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type) -> KeyedEncodingContainer<N> {
        ValueEncoder(box: appendBox(), path: path + [String(count)]).container(keyedBy: N.self)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        ValueEncoder(box: appendBox(), path: path + [String(count)]).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { ValueEncoder(box: appendBox(), path: path) }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let d = decoder as? ValueDecoder { self = d.value; return }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) {
            self = .object(JSONObject(o.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension JSONObject: Codable {
    public init(from decoder: any Decoder) throws {
        guard case .object(let o) = try JSONValue(from: decoder) else {
            throw DecodingError.typeMismatch(JSONObject.self, .init(codingPath: decoder.codingPath, debugDescription: "expected object"))
        }
        self = o
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: PathKey.self)
        for m in members { try c.encode(m.value, forKey: PathKey(stringValue: m.key)) }
    }
}
