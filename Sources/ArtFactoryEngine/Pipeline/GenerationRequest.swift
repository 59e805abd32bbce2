/// Everything one generation needs: text-to-image, image-to-image (`initImage`) or inpainting
/// (`initImage` + `mask`).
public struct GenerationRequest: Sendable {
    /// The prompt; A1111 emphasis syntax and prompts longer than 75 tokens are supported (see `WeightedPrompt`).
    public var prompt: String
    /// What to steer away from; empty = unconditional.
    public var negativePrompt: String = ""
    /// Output width in pixels (a multiple of the VAE's downsample factor, 8).
    public var width: Int = 512
    /// Output height in pixels (a multiple of 8).
    public var height: Int = 512
    /// Denoising steps (before `strength` shortens image-to-image runs).
    public var steps: Int = 20
    /// Classifier-free guidance scale; ≤ 1 disables guidance (one UNet row instead of two).
    public var guidanceScale: Float = 7.5
    /// Seed of image 0; image `i` uses `seed + i` (its own generator, as one diffusers call per image).
    public var seed: UInt64 = 0
    /// Number of images.
    public var imageCount: Int = 1
    /// The sampler; `nil` uses the model's own `scheduler_config.json` class (or DDIM when unsupported).
    public var scheduler: SchedulerKind?
    /// Overrides `use_karras_sigmas` (Euler, DPM++ 2M).
    public var karrasSigmas: Bool?
    /// Overrides the scheduler config's `timestep_spacing`; few-step distilled models (SD-Turbo,
    /// SDXL-Turbo, Lightning) need `trailing` so their 1–4 steps start at the last training timestep.
    public var timestepSpacing: TimestepSpacing?
    /// Which decoder makes the final images: the full VAE, or the tiny one (TAESD, when the pipeline
    /// has one) for speed (Draft).
    public var decoder: LatentDecoderChoice = .full
    /// Decode with the full VAE in overlapping tiles (bounded memory); `nil` tiles above 768×768
    /// (`TiledDecoding.shouldTile`).
    public var tiledDecode: Bool?
    /// CLIP skip: 1 = last layer.
    public var clipSkip: Int = 1
    /// DDIM's eta (0 = deterministic).
    public var eta: Float = 0
    /// Source image for image-to-image and inpainting, `width × height`.
    public var initImage: RGBImage?
    /// How much of the schedule to run on the source image (0...1; 1 = start from pure noise); `nil`
    /// takes diffusers' defaults, 0.8 for image-to-image and 1.0 for inpainting. A `Double`, so
    /// `Int(steps × strength)` rounds as diffusers' Python arithmetic does.
    public var strength: Double?
    /// Inpainting mask, `width × height`; requires `initImage`.
    public var mask: InpaintMask?
    /// Two-stage generation, first stage (diffusers' `denoising_end`, 0 < x < 1): stop when this fraction
    /// of the training schedule is denoised and return the noisy latents (`GenerationResult.latents`)
    /// for a second stage, an SDXL refiner, to finish; no image is decoded.
    public var denoisingEnd: Double?
    /// Two-stage generation, second stage (diffusers' `denoising_start`, 0 < x < 1): start at this
    /// fraction of the schedule from `initLatents` (or `initImage`) as they are, adding no noise;
    /// `strength` is ignored.
    public var denoisingStart: Double?
    /// Scaled latents, one `[1, 4, height / 8, width / 8]` per image, that the run starts from instead
    /// of noise or an encoded `initImage`: the first stage's `GenerationResult.latents`.
    public var initLatents: [Tensor]?
    /// An SDXL refiner's aesthetic-score condition for the positive prompt (diffusers' default 6).
    public var aestheticScore: Double = 6
    /// The aesthetic score of the negative (unconditional) row (diffusers' default 2.5).
    public var negativeAestheticScore: Double = 2.5

    /// The strength actually used: `strength`, or diffusers' default for the kind of request.
    /// Arithmetic of the matrix products: `f32` (the parity path and the engine's default), `bf16` (AVX-512
    /// BF16 / AMX CPUs; throws `precision.unsupported` elsewhere) or `auto` (bf16 where the CPU has it).
    public var precision: Precision = .f32
    /// The prompt's encoding from an earlier request of the same pipeline (``StableDiffusionPipeline/encodeConditioning(_:)``),
    /// reused when it was made from the same text-conditioning fields; nil (or a mismatch) encodes again.
    public var conditioning: PromptConditioning?

    public var effectiveStrength: Double { strength ?? (mask != nil ? 1.0 : 0.8) }

    /// A text-to-image request with default settings.
    public init(prompt: String) {
        self.prompt = prompt
    }
}

/// A prompt encoded once for several images of one job (the daemon's four drafts of one prompt encode it
/// once, as diffusers does for `num_images_per_prompt`). Only valid with the pipeline that made it: the
/// caller keeps it per pipeline (LoRAs change the text encoder).
public struct PromptConditioning: Sendable {
    /// The fields the encoding depends on, and the compute path it ran in.
    let key: String
    let context: Tensor
    let added: AddedConditions?

    static func key(_ r: GenerationRequest, guided: Bool, path: ComputePath) -> String {
        [r.prompt, r.negativePrompt, "\(r.clipSkip)", "\(r.width)x\(r.height)", "\(r.aestheticScore)", "\(r.negativeAestheticScore)",
         "\(guided)", path.rawValue].joined(separator: "\u{0}")
    }
}

/// The decoder a request uses for its final images.
public enum LatentDecoderChoice: String, Sendable, Equatable {
    /// The model's own VAE.
    case full
    /// The tiny autoencoder (TAESD / TAESDXL): about 100× faster, a little softer.
    case tiny
}

/// What the progress callback sees after each denoising step.
public struct GenerationProgress: Sendable {
    /// Index of the image being generated (0-based).
    public let imageIndex: Int
    /// Steps completed for this image (1-based).
    public let step: Int
    /// Steps this image will run.
    public let totalSteps: Int
    /// The timestep just denoised.
    public let timestep: Float
    /// The (scaled) latents after this step, `[1, latentChannels, height / 8, width / 8]`; shared, not
    /// copied, so reading them costs nothing unless the handler keeps them (for previews).
    public let latents: Tensor
}

/// Called after every denoising step on the generating thread; return `false` (or throw
/// `CancellationError`) to stop the generation, which then throws `CancellationError`.
public typealias GenerationProgressHandler = (GenerationProgress) throws -> Bool

/// Wall-clock seconds spent in each stage of one `generate` call (summed over images).
public struct StageTimings: Sendable, Equatable {
    /// Tokenizing and running the text encoder.
    public var textEncode: Double = 0
    /// VAE-encoding source images (image-to-image and inpainting).
    public var imageEncode: Double = 0
    /// The denoising loop (UNet and scheduler).
    public var denoise: Double = 0
    /// VAE decoding and conversion to bytes.
    public var decode: Double = 0
}

/// The outcome of one `generate` call.
public struct GenerationResult: Sendable {
    /// One image per requested image, in order.
    public let images: [RGBImage]
    /// Seeds used, `seed + i`.
    public let seeds: [UInt64]
    /// Time per stage.
    public let timings: StageTimings
    /// With `denoisingEnd`: each image's latents where the first stage stopped (and `images` is empty).
    public var latents: [Tensor] = []
    /// The path the products ran in (what `precision` resolved to on this CPU).
    public var computePath: ComputePath = .f32

    public init(images: [RGBImage], seeds: [UInt64], timings: StageTimings, computePath: ComputePath = .f32) {
        self.images = images
        self.seeds = seeds
        self.timings = timings
        self.computePath = computePath
    }
}
