/// `loras.list`: the LoRA files in `$ARTFACTORY_HOME/loras/`.
public enum LorasList: RPCMethod {
    public static let method = "loras.list"
    public static let summary = "List the LoRA files (.safetensors in $ARTFACTORY_HOME/loras/, symbolic links followed) with their format, base model, rank, layers and trigger words."
    public static let details = """
        The folder is scanned on every call. Format is read from the key names: kohya (A1111), locon, diffusers (PEFT), \
        loha, lokr, full (.diff) or mixed. A file that cannot be read is listed with `error` set and nothing else guessed.
        """

    public typealias Params = NoParams

    /// One LoRA file.
    public struct LoRA: Codable, Sendable, Equatable {
        /// Name to use in `<lora:name:weight>`, `generate --lora` and brand LoRAs.
        public var name: String
        /// Absolute path (the link, when it is one).
        public var path: String
        /// Size on disk.
        public var bytes: Int64
        public var format: String?
        /// `sd1`, `sd2`, `sdxl` or `unknown`.
        public var baseModel: String?
        /// The largest rank; absent for full-rank differences.
        public var rank: Int?
        /// Layers touched per network (`unet`, `text_encoder`).
        public var modules: [String: Int]?
        /// Kinds of layers touched (`attention`, `feed_forward`, `projection`, `conv`, `time_embedding`, `text_encoder`).
        public var layerKinds: [String]?
        /// Most frequent training tags (kohya `ss_tag_frequency`), most frequent first.
        public var triggerWords: [String]?
        /// A1111's short hash (first 12 hex digits of the SHA-256 of the tensor data), as `Lora hashes` records it.
        public var hash: String?
        /// Why the file could not be read, when it could not.
        public var error: String?

        public init(name: String, path: String, bytes: Int64, format: String? = nil, baseModel: String? = nil, rank: Int? = nil,
                    modules: [String: Int]? = nil, layerKinds: [String]? = nil, triggerWords: [String]? = nil, hash: String? = nil,
                    error: String? = nil) {
            self.name = name
            self.path = path
            self.bytes = bytes
            self.format = format
            self.baseModel = baseModel
            self.rank = rank
            self.modules = modules
            self.layerKinds = layerKinds
            self.triggerWords = triggerWords
            self.hash = hash
            self.error = error
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var loras: [LoRA]
        /// The folder scanned.
        public var folder: String
        public init(loras: [LoRA], folder: String) {
            self.loras = loras
            self.folder = folder
        }
    }

    static let loraSchema = Schema.object([
        .init("name", .string("LoRA name"), required: true),
        .init("path", .string("absolute path"), required: true),
        .init("bytes", .integer("size on disk", minimum: 0), required: true),
        .init("format", .enumeration(["kohya", "locon", "diffusers", "loha", "lokr", "full", "mixed"])),
        .init("baseModel", .enumeration(["sd1", "sd2", "sdxl", "unknown"])),
        .init("rank", .integer("largest rank", minimum: 1)),
        .init("modules", .object([], "layers touched per network", additional: .integer(minimum: 0))),
        .init("layerKinds", .array(.string())),
        .init("triggerWords", .array(.string())),
        .init("hash", .string("A1111 short hash (12 hex digits)")),
        .init("error", .string("why the file could not be read")),
    ])
    public static let params: [Schema.Property] = []
    public static let result = Schema.object([
        .init("loras", .array(loraSchema), required: true),
        .init("folder", .string("folder scanned"), required: true),
    ])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(
        loras: [LoRA(name: "brand", path: "/home/me/.local/share/artfactory/loras/brand.safetensors", bytes: 9_437_184, format: "kohya",
                     baseModel: "sd1", rank: 16, modules: ["unet": 192, "text_encoder": 72], layerKinds: ["attention", "text_encoder"],
                     triggerWords: ["brandstyle", "flat logo"], hash: "0123456789ab")],
        folder: "/home/me/.local/share/artfactory/loras")
}
