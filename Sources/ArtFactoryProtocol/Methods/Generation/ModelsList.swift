/// `models.list`: the models found in `$ARTFACTORY_HOME/models/`.
public enum ModelsList: RPCMethod {
    public static let method = "models.list"
    public static let summary = "List the local models (diffusers folders and .safetensors files), the remote models of providers with a key, and the checkpoints of configured ComfyUI/A1111/sd.cpp servers."
    public static let details = """
        The folder is scanned on every call, so a model copied in shows up without a restart. Remote models are named `provider:model-id` (`fal:fal-ai/fast-sdxl`) and listed for providers that have a key (`provider.list` shows them all).
        """

    public typealias Params = NoParams

    /// One model.
    public struct Model: Codable, Sendable, Equatable {
        /// Name to pass as `model` (folder or file name without extension).
        public var name: String
        /// `diffusers`, `safetensors` or `remote`.
        public var format: String
        /// Absolute path (local models) or the provider's base URL (remote models).
        public var path: String
        /// Size on disk.
        public var bytes: Int64
        /// Whether its weights are in memory now.
        public var loaded: Bool
        /// Whether it is the default model.
        public var isDefault: Bool
        /// `local`, `fal`, `replicate` or `civitai`.
        public var provider: String
        /// The provider's model id (remote), or the name (local).
        public var modelId: String
        /// What it can do: `txt2img`, `img2img`, `inpaint`.
        public var capabilities: [String]
        /// Remote: estimated US dollars per image.
        public var costPerImage: Double?
        /// Self-hosted kinds: the servers that have it (names or host:port).
        public var servers: [String]?
        /// Local: `sd1`, `sd2`, `sdxl`, `sdxl-refiner` or `turbo` (few-step); absent when not recognised.
        public var family: String?
        /// Local: the precision setting (`auto`, `f32`, `bf16` or `int8`; config.json `modelPrecision`, then `precision`).
        public var precision: String?
        /// Local: what the setting runs as on this CPU (`f32`, `bf16` or `int8`), and how the weights are held
        /// in memory for it (`as-stored`: the file's own f16/bf16/f32; `bf16`: narrowed to bf16, on the bf16
        /// and int8 paths).
        public var computePath: String?
        public var weights: String?

        public init(name: String, format: String, path: String, bytes: Int64, loaded: Bool, isDefault: Bool, provider: String = "local",
                    modelId: String? = nil, capabilities: [String] = ["txt2img", "img2img", "inpaint"], costPerImage: Double? = nil,
                    servers: [String]? = nil, family: String? = nil) {
            self.family = family
            self.name = name
            self.format = format
            self.path = path
            self.bytes = bytes
            self.loaded = loaded
            self.isDefault = isDefault
            self.provider = provider
            self.modelId = modelId ?? name
            self.capabilities = capabilities
            self.costPerImage = costPerImage
            self.servers = servers
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
        .init("format", .enumeration(["diffusers", "safetensors", "remote"]), required: true),
        .init("path", .string("absolute path, or the provider's base URL"), required: true),
        .init("bytes", .integer("size on disk", minimum: 0), required: true),
        .init("loaded", .boolean("weights in memory"), required: true),
        .init("isDefault", .boolean("the default model"), required: true),
        .init("provider", .enumeration(["local"] + ProviderNameParams.names), required: true),
        .init("modelId", .string("the provider's model id"), required: true),
        .init("capabilities", .array(.enumeration(["txt2img", "img2img", "inpaint"])), required: true),
        .init("costPerImage", .number("remote: estimated US dollars per image", minimum: 0)),
        .init("servers", .array(.string("server name"), "self-hosted kinds: the servers that have the model")),
        .init("precision", .enumeration(["auto", "f32", "bf16", "int8"], "local: the precision setting")),
        .init("computePath", .enumeration(["f32", "bf16", "int8"], "local: what the setting runs as on this CPU")),
        .init("weights", .enumeration(["as-stored", "bf16"], "local: how the weights are held in memory on that path")),
        .init("family", .enumeration(["sd1", "sd2", "sdxl", "sdxl-refiner", "turbo"], "local: the model family (turbo = few-step); absent when not recognised")),
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
