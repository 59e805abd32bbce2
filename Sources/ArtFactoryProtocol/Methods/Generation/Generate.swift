/// `generate`: queue a generation; answers at once with the job id.
public enum Generate: RPCMethod {
    public static let method = "generate"
    public static let summary = "Queue an image generation (text-to-image or image-to-image) and return its job id at once."
    public static let details = """
        Everything is validated before anything is queued. Progress arrives on the `job` topic as `job.progress` ({id, progress}) and `job.state` (a job object), \
        and is readable with `job.get`. Image i uses seed S+i; S is random when absent and always recorded. \
        `again` repeats a generation's parameters with a new seed; `reorder` reproduces it exactly. \
        `template` (name or id) applies a saved template's parameters under the explicit ones and fills its \
        `{{placeholders}}` from `vars`; a placeholder without a value is an error and nothing is queued. \
        Ultra upscales 4× (with the learned upscaler when one is installed) and refines the whole 4× image with \
        image-to-image at `refineStrength` (default 0.3) in tiles of the base size that overlap by an eighth of a tile \
        and are cross-faded; progress counts every tile's steps (`stage` `refine`). With `refineMaxSide` the pass \
        runs once over the whole image instead, at a size whose longer side is at most that: 4× when that fits, else 2×, \
        else the base size, and the rest of the 4× is a smooth resample. `previewEvery` attaches a small PNG preview to `job.progress`. \
        SDXL base models run as two stages with an SDXL refiner (`models.list` family `sdxl-refiner`) when `refiner` names one, \
        and under Ultra by default with the base's configured refiner (config.json `modelRefiner`) or the only refiner \
        installed: the base denoises the first `refinerHandoff` (default 0.8) of the schedule, the refiner the rest at \
        `aestheticScore` (default 6); progress counts both stages' steps (`stage` `base`, then `refiner`). \
        `refiner` `none` turns that off.
        """
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.invalidFile, RPCErrorCode.pathNotAllowed, RPCErrorCode.unavailable]

    /// The most images one `generate` call may make.
    public static let maxCount = 16
    /// The longest prompt accepted, in characters.
    public static let maxPromptLength = 500

    public struct Params: Codable, Sendable, Equatable {
        /// What to draw (≤ 500 characters; Dynamic Prompts syntax is expanded per image). Required unless `again`/`reorder`.
        public var prompt: String?
        public var negativePrompt: String?
        /// Model name from `models.list`; absent = the configured default model.
        public var model: String?
        /// Images to make (1…16, default 4).
        public var count: Int?
        /// Pixels, multiples of 8 in 64…2048 (default 512, or the source image's size).
        public var width: Int?
        public var height: Int?
        /// Denoising steps (1…150); overrides the preset's.
        public var steps: Int?
        /// Classifier-free guidance scale (0…30, default 7.5).
        public var guidance: Double?
        /// ddim, euler, euler-a, dpm++2m, lcm; absent = the model's own scheduler.
        public var sampler: String?
        /// Seed of image 0 (0…2^32-1); random when absent.
        public var seed: Int64?
        /// draft (15 steps), standard (28), high (40, 2× upscale) or ultra (50, 4× upscale and a refining pass).
        public var preset: String?
        /// Project, session and parent generation ids to record the result under.
        public var project: String?
        public var session: String?
        public var parent: String?
        /// Style profile id whose weighted terms are added to the prompt; absent = the project's default profile.
        public var profile: String?
        /// false = apply no style profile, not even the project's (`--no-profile`).
        public var useProfile: Bool?
        /// LoRAs to apply, in order (`--lora name:weight`); `<lora:name:weight>` tags in the prompt add to these.
        public var loras: [LoRAWeight]?
        /// false = do not apply the project's brand LoRA (`--no-brand-lora`).
        public var useBrandLora: Bool?
        /// Collection id every output image is added to.
        public var collection: String?
        /// Tag names for every output image.
        public var tags: [String]?
        /// Absolute path of a source image for image-to-image, or an asset id from the gallery.
        public var source: String?
        /// Absolute path of an inpainting mask (white = repaint), the size of the output.
        public var mask: String?
        /// How much of the source to repaint (0…1, default 0.8).
        public var strength: Double?
        /// Repeat this generation's parameters with a new seed.
        public var again: String?
        /// Reproduce this generation exactly (same seed and parameters).
        public var reorder: String?
        /// Saved template (name or id) whose parameters apply under the explicit ones.
        public var template: String?
        /// Values for the template's `{{placeholders}}`.
        public var vars: [String: String]?
        /// Enlarge each finished image 2× or 4× (1 = not at all); overrides the preset's (High 2×, Ultra 4×).
        public var upscale: Int?
        /// Learned upscaler (see `upscalers.list`) used for the enlargement; absent = the default one, or
        /// Lanczos when none is installed.
        public var upscaler: String?
        /// Arithmetic of the engine's products: `f32`, `bf16` (CPUs with AVX-512 BF16 or AMX) or `auto`;
        /// absent = the model's setting (config.json `modelPrecision`, then `precision`, default `auto`).
        public var precision: String?
        /// Ultra only: strength of the refining image-to-image pass (0.05…1, default 0.3).
        public var refineStrength: Double?
        /// Ultra only: the longest side the refining pass may run at (128…2048, default 1024).
        public var refineMaxSide: Int?
        /// Attach a small preview image to `job.progress` every N denoising steps (1…150); absent = none.
        public var previewEvery: Int?
        /// SDXL bases: the SDXL refiner (a `sdxl-refiner` model) that finishes each image; `none` = no
        /// refiner; absent = Ultra's default (the configured or only installed refiner), none otherwise.
        public var refiner: String?
        /// With a refiner: the share of the schedule the base denoises before handing over (0.5…0.95, default 0.8).
        public var refinerHandoff: Double?
        /// With a refiner: its aesthetic-score condition (0…10, default 6; the negative row keeps 2.5).
        public var aestheticScore: Double?
        /// Style-profile slider positions (0…100) by slider name for this request; override the profile's.
        public var sliders: [String: Int]?
        /// Remote models only: provider-specific parameters passed through as given (`--param key=value`).
        public var params: [String: JSONValue]?

        public init(prompt: String? = nil) { self.prompt = prompt }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// The queued job.
        public var jobId: String
        /// The generation row the images will belong to.
        public var generationId: String
        /// Seed of image 0 (image i uses seed + i).
        public var seed: Int64
        /// The model used.
        public var model: String
        /// Jobs ahead of this one.
        public var position: Int
        /// `local`, or the remote provider that runs it.
        public var provider: String?
        /// Remote models: the estimated cost in US dollars.
        public var estimatedCost: Double?

        public init(jobId: String, generationId: String, seed: Int64, model: String, position: Int, provider: String? = nil,
                    estimatedCost: Double? = nil) {
            self.jobId = jobId
            self.generationId = generationId
            self.seed = seed
            self.model = model
            self.position = position
            self.provider = provider
            self.estimatedCost = estimatedCost
        }
    }

    public static let params: [Schema.Property] = [
        .init("prompt", .string("what to draw; Dynamic Prompts syntax", maxLength: maxPromptLength)),
        .init("negativePrompt", .string("what to avoid")),
        .init("model", .string("model name (models.list); absent = default")),
        .init("count", .integer("images to make, default 4", minimum: 1, maximum: Int64(maxCount))),
        .init("width", .integer("pixels, multiple of 8", minimum: 64, maximum: 2048)),
        .init("height", .integer("pixels, multiple of 8", minimum: 64, maximum: 2048)),
        .init("steps", .integer("denoising steps", minimum: 1, maximum: 150)),
        .init("guidance", .number("guidance scale, default 7.5", minimum: 0, maximum: 30)),
        .init("sampler", .enumeration(["ddim", "euler", "euler-a", "dpm++2m", "lcm"], "sampler")),
        .init("seed", .integer("seed of image 0; random when absent", minimum: 0, maximum: 4_294_967_295)),
        .init("preset", .enumeration(["draft", "standard", "high", "ultra"], "quality preset")),
        .init("project", .string("project id")),
        .init("session", .string("session id")),
        .init("parent", .string("parent generation id")),
        .init("profile", .string("style profile id; absent = the project's default")),
        .init("useProfile", .boolean("false = no style profile")),
        .init("loras", .array(LoRAWeight.schema, "LoRAs to apply (loras.list; for a comfyui:, a1111: or sdcpp: model, names on its servers: provider.test); prompt <lora:name:weight> tags add to these", maxItems: 16)),
        .init("useBrandLora", .boolean("false = do not apply the project's brand LoRA")),
        .init("collection", .string("collection id for every image")),
        .init("tags", .array(.string(), "tag names", maxItems: 64)),
        .init("source", .string("absolute path of a source image, or an asset id (image-to-image)")),
        .init("mask", .string("absolute path of an inpainting mask")),
        .init("strength", .number("repaint strength", minimum: 0, maximum: 1)),
        .init("again", .string("generation id to repeat with a new seed")),
        .init("reorder", .string("generation id to reproduce exactly")),
        .init("template", .string("saved template name or id; its parameters apply under the explicit ones")),
        .init("vars", .object([], "values for the template's {{placeholders}}", additional: .string())),
        .init("upscale", .integer("enlarge each image 1, 2 or 4 times; overrides the preset's", minimum: 1, maximum: 4)),
        .init("upscaler", .string("learned upscaler name (upscalers.list); default: config.json upscaler, else the fastest installed, else Lanczos")),
        .init("precision", .enumeration(["auto", "f32", "bf16", "int8"], "engine arithmetic: bf16 needs AVX-512 BF16 or AMX, int8 (dynamic quantisation of the UNet and VAE products, opt-in, about 25 dB from f32) AVX2 (invalidParams otherwise); absent = the model's setting, default auto (bf16 where the CPU has it, else f32; never int8)")),
        .init("refineStrength", .number("ultra: strength of the refining image-to-image pass, default 0.3", minimum: 0.05, maximum: 1)),
        .init("refineMaxSide", .integer("ultra: refine in one pass at a size whose longest side is at most this, instead of tiles at the full 4×", minimum: 128, maximum: 2048)),
        .init("previewEvery", .integer("attach a small PNG preview to job.progress every N steps", minimum: 1, maximum: 150)),
        .init("refiner", .string("SDXL bases: the SDXL refiner model (models.list family sdxl-refiner) that finishes each image, or none; absent = ultra's default (config.json modelRefiner, else the only refiner installed)")),
        .init("refinerHandoff", .number("with a refiner: the share of the schedule the base denoises, default 0.8", minimum: 0.5, maximum: 0.95)),
        .init("aestheticScore", .number("with a refiner: its aesthetic-score condition, default 6", minimum: 0, maximum: 10)),
        .init("sliders", .object([], "style-profile slider positions 0-100 by name for this request (profile.save sliders), overriding the profile's; 0 drops the slider's term. An unknown name, or sliders without a profile, is invalidParams",
                                 additional: .integer(minimum: 0, maximum: 100))),
        .init("params", .object([], "remote models: provider-specific parameters, passed through", additional: .any())),
    ]
    public static let result = Schema.object([
        .init("jobId", .string("queued job"), required: true),
        .init("generationId", .string("generation the images belong to"), required: true),
        .init("seed", .integer("seed of image 0", minimum: 0), required: true),
        .init("model", .string("model used"), required: true),
        .init("position", .integer("jobs ahead", minimum: 0), required: true),
        .init("provider", .string("local, fal, replicate or civitai")),
        .init("estimatedCost", .number("remote: estimated US dollars", minimum: 0)),
    ])
    public static let exampleParams: Params = {
        var p = Params(prompt: "a lighthouse at dusk, {oil painting|watercolor}")
        p.count = 2
        p.preset = "standard"
        p.tags = ["coast"]
        return p
    }()
    public static let exampleResult = Result(jobId: "job_01J0000000000000000000000", generationId: "gen_01J0000000000000000000000",
                                             seed: 1234, model: "sd1-tiny", position: 0)
}
