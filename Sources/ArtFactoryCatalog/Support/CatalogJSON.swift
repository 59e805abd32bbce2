@_exported import ArtFactoryJSON
import GRDB

/// The catalog's JSON columns (generation parameters, job params, progress and results, settings)
/// hold the one JSON value type, ``JSONValue``; this name is kept so catalog code reads as before.
public typealias CatalogJSON = JSONValue

extension JSONValue {
    /// Parses JSON text.
    /// - Throws: ``CatalogError`` `invalid_argument` when the text is not JSON.
    public static func parse(_ text: String) throws -> JSONValue {
        do {
            return try JSONParser(maxDepth: 512).parse(text)
        } catch {
            throw CatalogError(.invalidArgument, "The value is not valid JSON (\(error)); send a JSON document.", cause: error)
        }
    }

    /// Compact JSON text with sorted keys (stable, so equal values give equal text).
    public var jsonText: String { JSONWriter.canonicalString(self) }

    /// Flattens nested objects into dotted keys (`"sampler.steps"`); arrays and scalars are leaves.
    public func flattened(prefix: String = "") -> [String: JSONValue] {
        guard case .object(let members) = self else { return [prefix: self] }
        var result: [String: JSONValue] = [:]
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

extension JSONValue: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { jsonText.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> JSONValue? {
        guard let text = String.fromDatabaseValue(dbValue) else { return nil }
        return try? JSONParser(maxDepth: 512).parse(text)
    }
}
