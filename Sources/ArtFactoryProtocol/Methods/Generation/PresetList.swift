/// `preset.list`: the quality presets with their estimated time on this machine.
public enum PresetList: RPCMethod {
    public static let method = "preset.list"
    public static let summary = "List the quality presets (draft, standard, high, ultra) with estimated seconds for a model and size."
    public static let details = """
        Estimates come from step times measured on this machine (kept in the catalog, updated after every \
        generation); they are absent until the model has run once. Ultra's estimate includes its refining \
        image-to-image pass: `refineSteps` steps in each of `refineTiles` tiles of `refineTileWidth`×`refineTileHeight` \
        over the `refineWidth`×`refineHeight` image (the default), or one pass of `refineSteps` steps at \
        `refineWidth`×`refineHeight` when `refineMaxSide` is given.
        """
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.unavailable]

    public struct Params: Codable, Sendable, Equatable {
        /// Model name; absent = the default model.
        public var model: String?
        /// Image size (default 512×512).
        public var width: Int?
        public var height: Int?
        /// Images per generation (default 4).
        public var count: Int?
        /// Ultra's refining pass, as `generate` takes them (strength 0.3; `refineMaxSide` absent = tiled at the full 4×).
        public var refineStrength: Double?
        public var refineMaxSide: Int?
        public init(model: String? = nil, width: Int? = nil, height: Int? = nil, count: Int? = nil,
                    refineStrength: Double? = nil, refineMaxSide: Int? = nil) {
            self.model = model
            self.width = width
            self.height = height
            self.count = count
            self.refineStrength = refineStrength
            self.refineMaxSide = refineMaxSide
        }
    }

    /// One preset.
    public struct Preset: Codable, Sendable, Equatable {
        public var name: String
        public var steps: Int
        /// Upscale factor applied to each image (1, 2 or 4).
        public var upscale: Int
        /// Estimated seconds for `count` images (refining pass included), or nil when the model was never measured.
        public var estimatedSeconds: Double?
        /// Ultra: the refining pass's strength, steps and size.
        public var refineStrength: Double?
        public var refineSteps: Int?
        public var refineWidth: Int?
        public var refineHeight: Int?
        /// Ultra, tiled: how many tiles, and their size.
        public var refineTiles: Int?
        public var refineTileWidth: Int?
        public var refineTileHeight: Int?
        /// High/Ultra: how images are enlarged: the learned upscaler's name, or `lanczos` when none is installed.
        public var upscaler: String?
        public init(name: String, steps: Int, upscale: Int, estimatedSeconds: Double?, refineStrength: Double? = nil,
                    refineSteps: Int? = nil, refineWidth: Int? = nil, refineHeight: Int? = nil, upscaler: String? = nil) {
            self.upscaler = upscaler
            self.name = name
            self.steps = steps
            self.upscale = upscale
            self.estimatedSeconds = estimatedSeconds
            self.refineStrength = refineStrength
            self.refineSteps = refineSteps
            self.refineWidth = refineWidth
            self.refineHeight = refineHeight
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var model: String
        public var width: Int
        public var height: Int
        public var count: Int
        /// Measured seconds per denoising step for this model and size, if known.
        public var secondsPerStep: Double?
        public var presets: [Preset]
        public init(model: String, width: Int, height: Int, count: Int, secondsPerStep: Double?, presets: [Preset]) {
            self.model = model
            self.width = width
            self.height = height
            self.count = count
            self.secondsPerStep = secondsPerStep
            self.presets = presets
        }
    }

    public static let params: [Schema.Property] = [
        .init("model", .string("model name; absent = default")),
        .init("width", .integer("pixels", minimum: 64, maximum: 2048)),
        .init("height", .integer("pixels", minimum: 64, maximum: 2048)),
        .init("count", .integer("images", minimum: 1, maximum: Int64(Generate.maxCount))),
        .init("refineStrength", .number("ultra: refining strength, default 0.3", minimum: 0.05, maximum: 1)),
        .init("refineMaxSide", .integer("ultra: refine in one pass whose longest side is at most this, instead of tiles at the full 4×", minimum: 128, maximum: 2048)),
    ]
    public static let result = Schema.object([
        .init("model", .string(), required: true),
        .init("width", .integer(), required: true),
        .init("height", .integer(), required: true),
        .init("count", .integer(), required: true),
        .init("secondsPerStep", .number("measured step time", minimum: 0)),
        .init("presets", .array(.object([
            .init("name", .enumeration(["draft", "standard", "high", "ultra"]), required: true),
            .init("steps", .integer(minimum: 1), required: true),
            .init("upscale", .integer(minimum: 1), required: true),
            .init("estimatedSeconds", .number("estimate for count images, refining pass included", minimum: 0)),
            .init("refineStrength", .number("ultra: refining strength", minimum: 0, maximum: 1)),
            .init("refineSteps", .integer("ultra: refining steps", minimum: 0)),
            .init("refineWidth", .integer("ultra: refining width", minimum: 1)),
            .init("refineHeight", .integer("ultra: refining height", minimum: 1)),
            .init("refineTiles", .integer("ultra, tiled: tiles the refining pass runs in", minimum: 1)),
            .init("refineTileWidth", .integer("ultra, tiled: tile width (the base width)", minimum: 1)),
            .init("refineTileHeight", .integer("ultra, tiled: tile height (the base height)", minimum: 1)),
            .init("upscaler", .string("high/ultra: the learned upscaler used, or lanczos when none is installed")),
        ])), required: true),
    ])
    public static let exampleParams = Params(model: "sd1-tiny", width: 512, height: 512, count: 4)
    public static let exampleResult = Result(model: "sd1-tiny", width: 512, height: 512, count: 4, secondsPerStep: 0.9, presets: [
        Preset(name: "draft", steps: 15, upscale: 1, estimatedSeconds: 54),
    ])
}
