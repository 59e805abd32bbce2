/// Serialises `JSONValue`s as compact UTF-8 JSON (no insignificant whitespace, `/` not escaped,
/// non-ASCII written as UTF-8), which keeps every message on one line as the wire framing requires.
public enum JSONWriter {
    /// The compact encoding of `value`.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(value, into: &out)
        return out
    }

    /// The compact encoding as a `String`.
    public static func string(_ value: JSONValue) -> String { String(decoding: bytes(value), as: UTF8.self) }

    /// The compact encoding with every object's keys sorted: equal values give equal text (for
    /// storage: the catalog's JSON columns, an image's `artfactory` chunk).
    public static func canonicalString(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(sorted(value), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(sorted))
        case .object(let object):
            var result = JSONObject()
            for m in object.members.sorted(by: { $0.key < $1.key }) { result[m.key] = sorted(m.value) }
            return .object(result)
        default: return value
        }
    }

    /// Pretty form with two-space indentation and sorted keys, for documents people read (OpenRPC, `--json`).
    public static func prettyString(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        writePretty(value, indent: 0, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact encoding of `value` to `out`.
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): if b { out.append(contentsOf: "true".utf8) } else { out.append(contentsOf: "false".utf8) }
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): writeDouble(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, m) in object.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(m.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeDouble(_ d: Double, into out: inout [UInt8]) {
        guard d.isFinite else { out.append(contentsOf: "null".utf8); return }
        if d.rounded() == d, abs(d) < 1e15 {
            if d == 0, d.sign == .minus { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: String(Int64(d)).utf8)
            out.append(contentsOf: ".0".utf8)
        } else {
            out.append(contentsOf: "\(d)".utf8)
        }
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x00..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func writePretty(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
        func pad(_ n: Int) { out.append(contentsOf: [UInt8](repeating: 0x20, count: n * 2)) }
        switch value {
        case .array(let items) where !items.isEmpty:
            out.append(contentsOf: Array("[\n".utf8))
            for (i, item) in items.enumerated() {
                pad(indent + 1)
                writePretty(item, indent: indent + 1, into: &out)
                out.append(contentsOf: Array((i + 1 < items.count ? ",\n" : "\n").utf8))
            }
            pad(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            out.append(contentsOf: Array("{\n".utf8))
            let sorted = object.members.sorted { $0.key < $1.key }
            for (i, m) in sorted.enumerated() {
                pad(indent + 1)
                writeString(m.key, into: &out)
                out.append(contentsOf: Array(": ".utf8))
                writePretty(m.value, indent: indent + 1, into: &out)
                out.append(contentsOf: Array((i + 1 < sorted.count ? ",\n" : "\n").utf8))
            }
            pad(indent)
            out.append(UInt8(ascii: "}"))
        default:
            write(value, into: &out)
        }
    }
}
