/// A small JSON Schema vocabulary, enough to describe every param and result in the OpenRPC document.
public indirect enum Schema: Sendable {
    case string(String = "", pattern: String? = nil, maxLength: Int? = nil)
    case enumeration([String], String = "")
    case integer(String = "", minimum: Int64? = nil, maximum: Int64? = nil)
    case number(String = "", minimum: Double? = nil, maximum: Double? = nil)
    case boolean(String = "")
    case array(Schema, String = "", maxItems: Int? = nil)
    /// An object with named properties; `additional` describes extra members (a map), or none allowed.
    case object([Property], String = "", additional: Schema? = nil)
    /// Any JSON value (free-form data such as an OpenRPC document or provider pass-through params).
    case any(String = "")
    case nullable(Schema)

    /// One named member of an object schema.
    public struct Property: Sendable {
        public var name: String
        public var schema: Schema
        public var required: Bool
        public init(_ name: String, _ schema: Schema, required: Bool = false) {
            self.name = name
            self.schema = schema
            self.required = required
        }
    }

    /// Property names when this is an object schema, else empty.
    public var propertyNames: [String] {
        if case .object(let props, _, _) = self { return props.map(\.name) }
        if case .nullable(let s) = self { return s.propertyNames }
        return []
    }

    /// The object schema's property of that name, if any.
    public func property(_ name: String) -> Property? {
        if case .object(let props, _, _) = self { return props.first { $0.name == name } }
        if case .nullable(let s) = self { return s.property(name) }
        return nil
    }

    /// The JSON Schema (draft 7 subset) form.
    public var json: JSONValue {
        func withDescription(_ o: JSONObject, _ d: String) -> JSONValue {
            var o = o
            if !d.isEmpty { o["description"] = .string(d) }
            return .object(o)
        }
        switch self {
        case .string(let d, let pattern, let maxLength):
            var o = JSONObject([("type", "string")])
            if let pattern { o["pattern"] = .string(pattern) }
            if let maxLength { o["maxLength"] = .int(Int64(maxLength)) }
            return withDescription(o, d)
        case .enumeration(let values, let d):
            return withDescription(JSONObject([("type", "string"), ("enum", .array(values.map { .string($0) }))]), d)
        case .integer(let d, let min, let max):
            var o = JSONObject([("type", "integer")])
            if let min { o["minimum"] = .int(min) }
            if let max { o["maximum"] = .int(max) }
            return withDescription(o, d)
        case .number(let d, let min, let max):
            var o = JSONObject([("type", "number")])
            if let min { o["minimum"] = .double(min) }
            if let max { o["maximum"] = .double(max) }
            return withDescription(o, d)
        case .boolean(let d):
            return withDescription(JSONObject([("type", "boolean")]), d)
        case .array(let items, let d, let maxItems):
            var o = JSONObject([("type", "array"), ("items", items.json)])
            if let maxItems { o["maxItems"] = .int(Int64(maxItems)) }
            return withDescription(o, d)
        case .object(let props, let d, let additional):
            var o = JSONObject([("type", "object")])
            var p = JSONObject()
            for prop in props { p[prop.name] = prop.schema.json }
            o["properties"] = .object(p)
            let req = props.filter(\.required).map { JSONValue.string($0.name) }
            if !req.isEmpty { o["required"] = .array(req) }
            o["additionalProperties"] = additional?.json ?? .bool(false)
            return withDescription(o, d)
        case .any(let d):
            return withDescription(JSONObject(), d)
        case .nullable(let s):
            return ["oneOf": [s.json, ["type": "null"]]]
        }
    }
}
