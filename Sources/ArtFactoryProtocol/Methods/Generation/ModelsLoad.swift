/// `models.load`: load a model's weights now, so the next generation starts at once.
public enum ModelsLoad: RPCMethod {
    public static let method = "models.load"
    public static let summary = "Load a model into memory (kept warm in an LRU cache by size); absent name = the default model."
    public static let details = "Slow for large models (reads the weights); answers when they are in memory."
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.unavailable]

    public struct Params: Codable, Sendable, Equatable {
        /// Model name from models.list; absent = the default model.
        public var name: String?
        public init(name: String? = nil) { self.name = name }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var name: String
        /// Whether it is in memory after the call.
        public var loaded: Bool
        /// Seconds the call spent loading (0 when it was already warm).
        public var seconds: Double
        /// Models in memory now, most recently used first.
        public var resident: [String]
        public init(name: String, loaded: Bool, seconds: Double, resident: [String]) {
            self.name = name
            self.loaded = loaded
            self.seconds = seconds
            self.resident = resident
        }
    }

    public static let params: [Schema.Property] = [.init("name", .string("model name; absent = default"))]
    public static let result = Schema.object([
        .init("name", .string(), required: true),
        .init("loaded", .boolean("in memory now"), required: true),
        .init("seconds", .number("load time", minimum: 0), required: true),
        .init("resident", .array(.string(), "models in memory, most recent first"), required: true),
    ])
    public static let exampleParams = Params(name: "sd1-tiny")
    public static let exampleResult = Result(name: "sd1-tiny", loaded: true, seconds: 0.2, resident: ["sd1-tiny"])
}
