import ArtFactoryJSON
import Foundation

/// Lenient readers for values inside metadata JSON: numbers may arrive as numbers or as strings,
/// and booleans are never mistaken for numbers.
enum JSONFields {
    /// Parses `text` as a JSON object with the one JSON parser (``JSONParser``).
    /// - Throws: ``ImagingError`` `invalid_metadata` when it is not a JSON object.
    static func parseObject(_ text: String, what: String) throws -> JSONObject {
        guard case .object(let object)? = try? JSONParser(maxDepth: 512).parse(text) else {
            throw ImagingError(.invalidMetadata, "the \(what) metadata is not a JSON object; the file's metadata is damaged")
        }
        return object
    }

    static func string(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        case .double(let d)?: return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        default: return nil
        }
    }

    static func double(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d.isFinite ? d : nil
        case .string(let s)?:
            guard let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite else { return nil }
            return d
        default: return nil
        }
    }

    static func int(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let i)?: return abs(Double(i)) < 9.0e15 ? Int(i) : nil
        case .double(let d)?:
            guard d.isFinite, d.rounded() == d, abs(d) < 9.0e15 else { return nil }
            return Int(d)
        case .string(let s)?: return Int(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// Seeds: non-negative integers; exact when written as integers.
    static func seed(_ value: JSONValue?) -> UInt64? {
        switch value {
        case .int(let i)?: return i >= 0 ? UInt64(i) : nil
        case .double(let d)?:
            guard d.isFinite, d >= 0, d < 1.8e19, d.rounded() == d else { return nil }
            return UInt64(d)
        case .string(let s)?: return UInt64(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }
}
