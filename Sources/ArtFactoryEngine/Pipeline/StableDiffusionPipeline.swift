import Foundation

/// Stable Diffusion text-to-image, image-to-image and inpainting on the engine's models, reproducing
/// diffusers' `StableDiffusionPipeline`, `StableDiffusionImg2ImgPipeline` and
/// `StableDiffusionInpaintPipeline` step for step (same seeds → same latents → same images), and,
/// with `xl` set, `StableDiffusionXLPipeline` / `StableDiffusionXLImg2ImgPipeline`.
///
/// The pipeline sees the models only through `TextEncoding`, `NoisePredicting` and
/// `LatentAutoencoding`, so it can run on fakes in tests. It is immutable and `Sendable`; each
/// `generate` call builds its own scheduler and generators, and runs on the caller's thread.
public struct StableDiffusionPipeline: Sendable {
    public let tokenizer: CLIPTokenizer
    public internal(set) var textEncoder: any TextEncoding
    public internal(set) var unet: any NoisePredicting
    public let vae: any LatentAutoencoding
    /// The model's `scheduler/scheduler_config.json` (betas, prediction type, spacing).
    public let schedulerConfig: SchedulerConfig
    /// SDXL's two text encoders and added conditioning; nil for SD 1.x/2.x (then `textEncoder` is used).
    public internal(set) var xl: SDXLTextConditioning?
    /// The tiny decoder (TAESD / TAESDXL matching the model's latents) for previews and Draft decodes.
    public var tinyDecoder: (any LatentDecoding)?
    /// The LoRAs merged into `textEncoder` and `unet` in place (``mergeLoRAs(_:label:)``), or nil.
    public internal(set) var loraMerge: LoRAMergeRecord?

    /// Composes a pipeline from loaded parts.
    public init(tokenizer: CLIPTokenizer, textEncoder: any TextEncoding, unet: any NoisePredicting,
                vae: any LatentAutoencoding, schedulerConfig: SchedulerConfig, xl: SDXLTextConditioning? = nil) {
        self.xl = xl
        self.tokenizer = tokenizer
        self.textEncoder = textEncoder
        self.unet = unet
        self.vae = vae
        self.schedulerConfig = schedulerConfig
    }

    /// Loads a diffusers folder (`model_index.json`, `tokenizer/`, `text_encoder/`, `unet/`, `vae/`,
    /// `scheduler/`).
    /// - Throws: `EngineError` naming the file that is missing or invalid.
    public static func load(directory: URL) throws -> StableDiffusionPipeline {
        try load(path: directory.path)
    }
    /// Runs one request.
    /// - Parameter progress: called after every step; return `false` or throw `CancellationError` to stop.
    ///   When called inside a `Task`, cancelling the task also stops the run at the next step.
    /// - Returns: the images with their seeds and per-stage timings.
    /// - Throws: `EngineError` for a request the models cannot honour; `CancellationError` when cancelled.
    public func generate(_ request: GenerationRequest, progress: GenerationProgressHandler? = nil) throws -> GenerationResult {
        try validate(request)
        let path = try EnginePrecision.resolve(request.precision)
        var result = try EnginePrecision.withCompute(path) { try run(request, progress: progress) }
        result.computePath = path
        return result
    }

    /// The request's prompt encoded for reuse by later requests of this pipeline with the same prompt
    /// fields (``GenerationRequest/conditioning``).
    /// - Throws: `EngineError` for a prompt the text encoders cannot take, or `precision.unsupported`.
    public func encodeConditioning(_ request: GenerationRequest) throws -> PromptConditioning {
        let path = try EnginePrecision.resolve(request.precision)
        return try EnginePrecision.withCompute(path) {
            let guided = request.guidanceScale > 1
            let (context, added) = try conditioning(request, guided: guided)
            return PromptConditioning(key: PromptConditioning.key(request, guided: guided, path: EnginePrecision.currentCompute),
                                      context: context, added: added)
        }
    }

    /// The UNet's text conditioning. The int8 path leaves the text encoder unquantised: it runs once per
    /// request, and CLIP's activations carry outlier channels that per-token scales would flatten.
    private func conditioning(_ request: GenerationRequest, guided: Bool) throws -> (Tensor, AddedConditions?) {
        if let xl {
            let (context, added) = try EnginePrecision.withoutInt8 { try encodeXLPrompts(request, guided: guided, xl: xl) }
            return (context, added)
        }
        return (try EnginePrecision.withoutInt8 { try encodePrompts(request, guided: guided) }, nil)
    }

    private func run(_ request: GenerationRequest, progress: GenerationProgressHandler?) throws -> GenerationResult {
        var timings = StageTimings()
        let clock = ContinuousClock()
        let guided = request.guidanceScale > 1
        let encodeStart = clock.now
        let context: Tensor
        var added: AddedConditions?
        if let given = request.conditioning,
           given.key == PromptConditioning.key(request, guided: guided, path: EnginePrecision.currentCompute) {
            (context, added) = (given.context, given.added)
        } else {
            (context, added) = try conditioning(request, guided: guided)
        }
        timings.textEncode = seconds(clock.now - encodeStart)
        var images: [RGBImage] = []
        var seeds: [UInt64] = []
        var stopped: [Tensor] = []
        for index in 0..<request.imageCount {
            let seed = request.seed &+ UInt64(index)
            let latents = try denoise(request, context: context, added: added, guided: guided, seed: seed,
                                      imageIndex: index, timings: &timings, progress: progress)
            if request.denoisingEnd != nil {
                // The first of two stages: the latents go to the refiner undecoded.
                stopped.append(latents)
                seeds.append(seed)
                continue
            }
            let start = clock.now
            let decoded = try decodeLatents(latents, request)
            images.append(try RGBImage(tensor: decoded))
            timings.decode += seconds(clock.now - start)
            seeds.append(seed)
        }
        var result = GenerationResult(images: images, seeds: seeds, timings: timings)
        result.latents = stopped
        return result
    }

    /// The final decode: the tiny decoder when asked, else the full VAE (in tiles when large or asked).
    func decodeLatents(_ latents: Tensor, _ r: GenerationRequest) throws -> Tensor {
        if r.decoder == .tiny {
            guard let tinyDecoder else {
                throw EngineError.badRequest("this model has no tiny decoder (TAESD); put a taesd (SD 1.x/2.x) or taesdxl (SDXL) folder or file in models/, or use the full decoder")
            }
            return try tinyDecoder.decodeScaled(latents: latents)
        }
        let unscaled = SchedulerMath.scale(latents, 1 / vae.scalingFactor)
        if r.tiledDecode ?? TiledDecoding.shouldTile(latentHeight: latents.shape[2], latentWidth: latents.shape[3]) {
            return try TiledDecoding.decode(latents: unscaled, tile: 64, overlap: 16, factor: vae.downsampleFactor) {
                try vae.decode(latents: $0)
            }
        }
        return try vae.decode(latents: unscaled)
    }

    /// A quick preview of in-progress latents with the tiny decoder; nil when the pipeline has none.
    public func tinyPreview(latents: Tensor) throws -> RGBImage? {
        guard let tinyDecoder else { return nil }
        return try RGBImage(tensor: tinyDecoder.decodeScaled(latents: latents))
    }

    private func validate(_ r: GenerationRequest) throws {
        let f = vae.downsampleFactor
        guard f > 0 else { throw EngineError.badRequest("the VAE reports a downsample factor of \(f)") }
        guard r.width >= f, r.height >= f, r.width % f == 0, r.height % f == 0, r.width <= 4096, r.height <= 4096 else {
            throw EngineError.badRequest("width and height must be multiples of \(f) between \(f) and 4096, got \(r.width)×\(r.height)")
        }
        guard (1...1000).contains(r.steps) else { throw EngineError.badRequest("steps must be 1...1000, got \(r.steps)") }
        guard (1...64).contains(r.imageCount) else { throw EngineError.badRequest("imageCount must be 1...64, got \(r.imageCount)") }
        guard r.guidanceScale.isFinite, r.guidanceScale >= 0, r.guidanceScale <= 100 else {
            throw EngineError.badRequest("guidance scale must be 0...100, got \(r.guidanceScale)")
        }
        guard r.clipSkip >= 1 else { throw EngineError.badRequest("clip skip must be at least 1, got \(r.clipSkip)") }
        let strength = r.effectiveStrength
        guard strength.isFinite, strength > 0, strength <= 1 else {
            throw EngineError.badRequest("strength must be in (0, 1], got \(strength)")
        }
        if let image = r.initImage, image.width != r.width || image.height != r.height {
            throw EngineError.badRequest("the source image is \(image.width)×\(image.height) but the request is \(r.width)×\(r.height); resize it first")
        }
        if let mask = r.mask {
            guard r.initImage != nil else { throw EngineError.badRequest("inpainting needs a source image with the mask") }
            guard mask.width == r.width, mask.height == r.height else {
                throw EngineError.badRequest("the mask is \(mask.width)×\(mask.height) but the request is \(r.width)×\(r.height)")
            }
        }
        if r.decoder == .tiny, tinyDecoder == nil {
            throw EngineError.badRequest("this model has no tiny decoder (TAESD); put a taesd (SD 1.x/2.x) or taesdxl (SDXL) folder or file in models/, or use the full decoder")
        }
        for (name, value) in [("denoisingEnd", r.denoisingEnd), ("denoisingStart", r.denoisingStart)] {
            if let value, !(value > 0 && value < 1) {
                throw EngineError.badRequest("\(name) must be strictly between 0 and 1, got \(value)")
            }
        }
        if let end = r.denoisingEnd, let start = r.denoisingStart, start >= end {
            throw EngineError.badRequest("denoisingStart (\(start)) must be below denoisingEnd (\(end))")
        }
        if let latents = r.initLatents {
            let expected = [1, vae.latentChannels, r.height / f, r.width / f]
            guard latents.count == r.imageCount else {
                throw EngineError.badRequest("\(latents.count) start latents for \(r.imageCount) images; give one per image")
            }
            if let bad = latents.first(where: { $0.shape != expected }) {
                throw EngineError.modelShape("Start latents", expected: expected, got: bad.shape)
            }
            guard r.mask == nil else { throw EngineError.badRequest("start latents cannot be combined with an inpainting mask") }
        }
        if r.denoisingStart != nil, r.mask != nil {
            throw EngineError.badRequest("denoisingStart does not inpaint; drop the mask")
        }
        if r.denoisingStart != nil, r.initLatents == nil, r.initImage == nil {
            throw EngineError.badRequest("denoisingStart continues an earlier stage: give its latents (or a source image)")
        }
        for score in [r.aestheticScore, r.negativeAestheticScore] where !score.isFinite || score < 0 || score > 10 {
            throw EngineError.badRequest("aesthetic scores must be 0...10, got \(score)")
        }
        if let xl, xl.isRefiner, r.initLatents == nil, r.initImage == nil {
            throw EngineError(code: "model.refiner",
                              message: "This is an SDXL refiner: it refines an image or an SDXL base model's latents and cannot generate from a prompt alone. Generate with an SDXL base model and name this one as its refiner, or give a source image.")
        }
        if let xl, xl.isRefiner, r.mask != nil {
            throw EngineError.badRequest("an SDXL refiner does not inpaint; inpaint with the SDXL base model")
        }
        let latentChannels = vae.latentChannels
        if unet.inChannels == 2 * latentChannels + 1 {
            guard r.mask != nil else { throw EngineError.badRequest("this is an inpainting model; give a source image and a mask") }
        } else if unet.inChannels != latentChannels {
            throw EngineError.badRequest("the UNet takes \(unet.inChannels) channels, which fits neither \(latentChannels) nor \(2 * latentChannels + 1)")
        }
    }

    /// The scheduler a request asks for, configured from the model's scheduler config.
    func makeScheduler(_ r: GenerationRequest) throws -> any Scheduler {
        let kind = r.scheduler ?? schedulerConfig.kind ?? .ddim
        // diffusers' SDXL pipelines take the scheduler config as it is.
        var config = xl != nil ? schedulerConfig : Self.asDiffusersPipelinesUse(schedulerConfig, inpainting: r.mask != nil)
        if let spacing = r.timestepSpacing { config.timestepSpacing = spacing.rawValue }
        let scheduler = try SchedulerFactory.make(kind, config: config, karras: r.karrasSigmas)
        (scheduler as? DDIMScheduler)?.eta = r.eta
        return scheduler
    }

    /// diffusers' Stable Diffusion pipelines rewrite an outdated scheduler config when they are built
    /// (`StableDiffusionPipeline.__init__` and the img2img and inpainting pipelines): `steps_offset`
    /// becomes 1, and, except in the inpainting pipeline, `clip_sample` becomes false. A config that
    /// lacks those keys counts as outdated too, since the schedulers' own defaults are 0 and (DDIM)
    /// true. Folders saved by older tools therefore sample here as they do in diffusers.
    static func asDiffusersPipelinesUse(_ config: SchedulerConfig, inpainting: Bool) -> SchedulerConfig {
        var adjusted = config
        adjusted.stepsOffset = 1
        if !inpainting && config.clipSample != false { adjusted.clipSample = false }
        return adjusted
    }

    func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
