import Foundation
import GRDB

/// A JSON value as stored in the catalog's JSON columns (generation parameters, job params and
/// progress, settings). Integers keep 64-bit precision (seeds), separate from doubles.
///
/// Numbers compare by value: JSON text does not keep the difference between `2` and `2.0`, so
/// `.int(2) == .double(2)` (and they hash alike), which keeps values equal across a round trip.
public enum CatalogJSON: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([CatalogJSON])
    case object([String: CatalogJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([CatalogJSON].self) { self = .array(value) }
        else if let value = try? container.decode([String: CatalogJSON].self) { self = .object(value) }
        else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public static func == (lhs: CatalogJSON, rhs: CatalogJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): Double(a) == b && Int64(exactly: b) == a
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .int(let value): hasher.combine(value)
        case .double(let value):
            if let exact = Int64(exactly: value) { hasher.combine(exact) } else { hasher.combine(value) }
        case .string(let value): hasher.combine(value)
        case .array(let value): hasher.combine(value)
        case .object(let value): hasher.combine(value)
        }
    }

    /// Parses JSON text.
    /// - Throws: ``CatalogError`` `invalid_argument` when the text is not JSON.
    public static func parse(_ text: String) throws -> CatalogJSON {
        do {
            return try JSONDecoder().decode(CatalogJSON.self, from: Data(text.utf8))
        } catch {
            throw CatalogError(.invalidArgument, "The value is not valid JSON; send a JSON document.", cause: error)
        }
    }

    /// Compact JSON text with sorted keys (stable, so equal values give equal text).
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The members of an object, or nil for any other value.
    public var objectValue: [String: CatalogJSON]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// Flattens nested objects into dotted keys (`"sampler.steps"`); arrays and scalars are leaves.
    public func flattened(prefix: String = "") -> [String: CatalogJSON] {
        guard case .object(let members) = self else { return [prefix: self] }
        var result: [String: CatalogJSON] = [:]
        for (key, value) in members {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if case .object(let inner) = value, !inner.isEmpty {
                result.merge(value.flattened(prefix: path)) { first, _ in first }
            } else {
                result[path] = value
            }
        }
        return result
    }
}

extension CatalogJSON: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { jsonText.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CatalogJSON? {
        guard let text = String.fromDatabaseValue(dbValue) else { return nil }
        return try? JSONDecoder().decode(CatalogJSON.self, from: Data(text.utf8))
    }
}
