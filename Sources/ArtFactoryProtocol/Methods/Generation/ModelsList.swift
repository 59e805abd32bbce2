/// `models.list`: the models found in `$ARTFACTORY_HOME/models/`.
public enum ModelsList: RPCMethod {
    public static let method = "models.list"
    public static let summary = "List the models in the models folder (diffusers folders and single .safetensors files)."
    public static let details = "The folder is scanned on every call, so a model copied in shows up without a restart."

    public typealias Params = NoParams

    /// One model.
    public struct Model: Codable, Sendable, Equatable {
        /// Name to pass as `model` (folder or file name without extension).
        public var name: String
        /// `diffusers` or `safetensors`.
        public var format: String
        public var path: String
        /// Size on disk.
        public var bytes: Int64
        /// Whether its weights are in memory now.
        public var loaded: Bool
        /// Whether it is the default model.
        public var isDefault: Bool

        public init(name: String, format: String, path: String, bytes: Int64, loaded: Bool, isDefault: Bool) {
            self.name = name
            self.format = format
            self.path = path
            self.bytes = bytes
            self.loaded = loaded
            self.isDefault = isDefault
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var models: [Model]
        /// The default model name (config.json `defaultModel`, else the only/first model), if any.
        public var defaultModel: String?
        public init(models: [Model], defaultModel: String?) {
            self.models = models
            self.defaultModel = defaultModel
        }
    }

    static let modelSchema = Schema.object([
        .init("name", .string("model name"), required: true),
        .init("format", .enumeration(["diffusers", "safetensors"]), required: true),
        .init("path", .string("absolute path"), required: true),
        .init("bytes", .integer("size on disk", minimum: 0), required: true),
        .init("loaded", .boolean("weights in memory"), required: true),
        .init("isDefault", .boolean("the default model"), required: true),
    ])
    public static let params: [Schema.Property] = []
    public static let result = Schema.object([
        .init("models", .array(modelSchema), required: true),
        .init("defaultModel", .string("default model name")),
    ])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(models: [Model(name: "sd1-tiny", format: "diffusers", path: "/home/me/.local/share/artfactory/models/sd1-tiny",
                                                            bytes: 1_048_576, loaded: true, isDefault: true)], defaultModel: "sd1-tiny")
}
