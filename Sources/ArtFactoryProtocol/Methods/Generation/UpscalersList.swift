/// `upscalers.list`: the learned upscalers found in `$ARTFACTORY_HOME/upscalers/`.
public enum UpscalersList: RPCMethod {
    public static let method = "upscalers.list"
    public static let summary = "List the learned upscalers (ESRGAN-family .safetensors and .pth files) and which one High, Ultra and `--upscale` use."
    public static let details = """
        The folder is scanned on every call (symbolic links are followed). Each file's architecture (RRDBNet or SRVGGNetCompact) and scale are read from its weights; `.pth` files are read by a restricted reader that accepts tensors and plain containers only, so a file that asks to run code is listed with an `error` and never used. The default is `upscaler` in config.json when usable, else the fastest usable file; with none, High and Ultra resize with Lanczos.
        """

    public typealias Params = NoParams

    /// One upscaler file.
    public struct Upscaler: Codable, Sendable, Equatable {
        /// Name to pass as `upscaler` (file name without extension).
        public var name: String
        /// `safetensors` or `pth`.
        public var format: String
        public var path: String
        public var bytes: Int64
        /// `RRDBNet` or `SRVGGNetCompact`; absent when the file cannot be used.
        public var architecture: String?
        /// Output size / input size.
        public var scale: Int?
        /// Approximate multiply-adds per input pixel (lower is faster).
        public var costPerPixel: Int?
        public var isDefault: Bool
        /// Why the file cannot be used.
        public var error: String?

        public init(name: String, format: String, path: String, bytes: Int64, architecture: String?, scale: Int?,
                    costPerPixel: Int?, isDefault: Bool, error: String? = nil) {
            self.name = name
            self.format = format
            self.path = path
            self.bytes = bytes
            self.architecture = architecture
            self.scale = scale
            self.costPerPixel = costPerPixel
            self.isDefault = isDefault
            self.error = error
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var upscalers: [Upscaler]
        /// The upscaler High/Ultra use by default, if any.
        public var defaultUpscaler: String?
        /// The folder scanned.
        public var directory: String
        public init(upscalers: [Upscaler], defaultUpscaler: String?, directory: String) {
            self.upscalers = upscalers
            self.defaultUpscaler = defaultUpscaler
            self.directory = directory
        }
    }

    static let upscalerSchema = Schema.object([
        .init("name", .string("upscaler name"), required: true),
        .init("format", .enumeration(["safetensors", "pth"]), required: true),
        .init("path", .string("absolute path"), required: true),
        .init("bytes", .integer("size on disk", minimum: 0), required: true),
        .init("architecture", .enumeration(["RRDBNet", "SRVGGNetCompact"], "network recognised from the weights")),
        .init("scale", .integer("output size / input size", minimum: 1)),
        .init("costPerPixel", .integer("approximate multiply-adds per input pixel", minimum: 0)),
        .init("isDefault", .boolean("the default upscaler"), required: true),
        .init("error", .string("why the file cannot be used")),
    ])
    public static let params: [Schema.Property] = []
    public static let result = Schema.object([
        .init("upscalers", .array(upscalerSchema), required: true),
        .init("defaultUpscaler", .string("default upscaler name")),
        .init("directory", .string("the folder scanned"), required: true),
    ])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(upscalers: [Upscaler(name: "realesr-general-x4v3", format: "pth",
                                                                  path: "/home/me/.local/share/artfactory/upscalers/realesr-general-x4v3.pth",
                                                                  bytes: 4_885_111, architecture: "SRVGGNetCompact", scale: 4,
                                                                  costPerPixel: 617_472, isDefault: true)],
                                             defaultUpscaler: "realesr-general-x4v3", directory: "/home/me/.local/share/artfactory/upscalers")
}
