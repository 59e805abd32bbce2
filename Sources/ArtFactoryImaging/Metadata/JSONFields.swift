import Foundation

/// Lenient readers for values inside `JSONSerialization` output: numbers may arrive as numbers or as
/// strings, and booleans must never be mistaken for numbers.
enum JSONFields {
    static func parseObject(_ text: String, what: String) throws -> [String: Any] {
        guard let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any] else {
            throw ImagingError(.invalidMetadata, "the \(what) metadata is not a JSON object; the file's metadata is damaged")
        }
        return object
    }

    static func string(_ value: Any?) -> String? {
        if let string = value as? String { return string }
        if let number = value as? NSNumber, !isBool(number) { return number.stringValue }
        return nil
    }

    static func double(_ value: Any?) -> Double? {
        if let number = value as? NSNumber, !isBool(number) {
            let double = number.doubleValue
            return double.isFinite ? double : nil
        }
        if let string = value as? String, let double = Double(string.trimmingCharacters(in: .whitespaces)), double.isFinite {
            return double
        }
        return nil
    }

    static func int(_ value: Any?) -> Int? {
        if let number = value as? NSNumber, !isBool(number) {
            let double = number.doubleValue
            guard double.isFinite, double.rounded() == double, abs(double) < 9.0e15 else { return nil }
            return Int(double)
        }
        if let string = value as? String { return Int(string.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    /// Seeds: non-negative integers up to UInt64.max (ComfyUI); exact when written as integers.
    static func seed(_ value: Any?) -> UInt64? {
        if let number = value as? NSNumber, !isBool(number) {
            if let exact = UInt64(number.stringValue) { return exact }
            let double = number.doubleValue
            guard double.isFinite, double >= 0, double < 1.8e19, double.rounded() == double else { return nil }
            return UInt64(double)
        }
        if let string = value as? String { return UInt64(string.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    /// JSON booleans come back as NSNumber too; their type code is `c` (char), which JSON numbers never use.
    static func isBool(_ number: NSNumber) -> Bool {
        let code = number.objCType.pointee
        return code == 0x63 || code == 0x42
    }
}
