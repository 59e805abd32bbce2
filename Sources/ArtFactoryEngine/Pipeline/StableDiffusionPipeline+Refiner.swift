import Foundation

/// How a two-stage SDXL generation splits its schedule between the base model and the refiner.
public struct RefinerStage: Sendable, Equatable {
    /// The fraction of the schedule the base model denoises (diffusers' `denoising_end` for the base
    /// and `denoising_start` for the refiner); the refiner does the rest. SDXL's authors use 0.8.
    public var handoff: Double
    /// The refiner's aesthetic-score condition (diffusers' defaults 6 and 2.5).
    public var aestheticScore: Double
    public var negativeAestheticScore: Double

    public init(handoff: Double = 0.8, aestheticScore: Double = 6, negativeAestheticScore: Double = 2.5) {
        self.handoff = handoff
        self.aestheticScore = aestheticScore
        self.negativeAestheticScore = negativeAestheticScore
    }
}

extension StableDiffusionPipeline {
    /// Whether this pipeline is an SDXL refiner (a second stage; it cannot start from a prompt alone).
    public var isRefiner: Bool { xl?.isRefiner ?? false }

    /// SDXL base + refiner, as diffusers' "ensemble of expert denoisers": per image, this (base) model
    /// denoises the first `stage.handoff` of the schedule (`denoising_end`) and `refiner` the rest from
    /// those latents (`denoising_start`, same steps, scheduler and guidance; a fresh generator with the
    /// image's seed, as two diffusers calls each given `manual_seed(seed)`), then the refiner's VAE
    /// decodes. Images run one after the other, so progress per image is monotone: `progress` sees the
    /// base's steps, then the refiner's numbered after them, out of both stages' total.
    /// - Throws: `EngineError` when this is not an SDXL base, `refiner` is not a refiner, or the split
    ///   leaves a stage without steps; what `generate` throws.
    public func generate(_ request: GenerationRequest, refiner: StableDiffusionPipeline, stage: RefinerStage = RefinerStage(),
                         progress: GenerationProgressHandler? = nil) throws -> GenerationResult {
        guard let xl, !xl.isRefiner else {
            throw EngineError.badRequest("a refiner continues an SDXL base model's generation; this model is not an SDXL base")
        }
        guard stage.handoff > 0, stage.handoff < 1 else {
            throw EngineError.badRequest("the refiner's handoff must be strictly between 0 and 1 (the base's share of the schedule), got \(stage.handoff)")
        }
        guard refiner.isRefiner else {
            throw EngineError.badRequest("the second stage must be an SDXL refiner (one OpenCLIP encoder, aesthetic-score conditioning)")
        }
        guard refiner.vae.latentChannels == vae.latentChannels, refiner.vae.downsampleFactor == vae.downsampleFactor else {
            throw EngineError.badRequest("the refiner's latents (\(refiner.vae.latentChannels) channels) do not match the base model's (\(vae.latentChannels))")
        }
        guard request.initImage == nil || request.mask == nil else {
            throw EngineError.badRequest("base + refiner does not inpaint; drop the mask or the refiner")
        }
        guard request.denoisingEnd == nil, request.denoisingStart == nil, request.initLatents == nil else {
            throw EngineError.badRequest("denoisingEnd, denoisingStart and initLatents are set by the two-stage run itself")
        }
        var first = request
        first.imageCount = 1
        first.denoisingEnd = stage.handoff
        var second = request
        second.conditioning = nil   // the base's encoding; the refiner has its own encoder
        second.imageCount = 1
        second.initImage = nil
        second.mask = nil
        second.strength = nil
        second.denoisingStart = stage.handoff
        second.aestheticScore = stage.aestheticScore
        second.negativeAestheticScore = stage.negativeAestheticScore
        let firstSteps = try plannedSteps(first)
        let secondSteps = try refiner.plannedSteps(second)
        var images: [RGBImage] = []
        var seeds: [UInt64] = []
        var timings = StageTimings()
        var path = ComputePath.f32
        for index in 0..<request.imageCount {
            let seed = request.seed &+ UInt64(index)
            first.seed = seed
            second.seed = seed
            func relay(offset: Int) -> GenerationProgressHandler? {
                guard let progress else { return nil }
                return { p in
                    try progress(GenerationProgress(imageIndex: index, step: offset + p.step, totalSteps: firstSteps + secondSteps,
                                                    timestep: p.timestep, latents: p.latents))
                }
            }
            let base = try generate(first, progress: relay(offset: 0))
            guard let latents = base.latents.first else { throw EngineError.badRequest("internal: the base stage returned no latents") }
            second.initLatents = [latents]
            let refined = try refiner.generate(second, progress: relay(offset: firstSteps))
            images += refined.images
            seeds.append(seed)
            for t in [base.timings, refined.timings] {
                timings.textEncode += t.textEncode
                timings.imageEncode += t.imageEncode
                timings.denoise += t.denoise
                timings.decode += t.decode
            }
            path = refined.computePath
        }
        return GenerationResult(images: images, seeds: seeds, timings: timings, computePath: path)
    }
}
