import ArtFactoryCatalog
import ArtFactoryEngine
import ArtFactoryImaging
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation
import Logging

/// Runs one `generate` job on the worker thread: loads the model (kept warm by the cache), makes
/// each image with seed S+i, upscales for High/Ultra, and stores it through ``GalleryService``
/// (PNG with `parameters` and `artfactory` metadata, WebP thumbnail, rows in one transaction).
///
/// Re-running after a crash is safe: each image is stored whole or not at all (the gallery's
/// intent records), and a rerun starts at the first image not yet stored, so nothing is made twice.
struct GenerationExecutor {
    let catalog: CatalogDatabase
    let models: ModelRegistry
    let gallery: GalleryService
    let wildcardsDir: String
    let calibration: StepCalibration
    let previews: LatentPreviewer
    let logger: Logger
    /// Learned upscalers; nil = Lanczos for every enlargement.
    var upscalers: UpscalerRegistry? = nil

    private var runEnd: GenerationRunEnd { GenerationRunEnd(catalog: catalog, logger: logger) }

    /// Runs a `generate` job.
    func run(_ context: JobContext) throws {
        let spec = try GenerationSpec(catalogJSON: context.job.params)
        try run(spec, context: context, progress: BatchPosition(done: 0, total: spec.count))
    }

    /// Where a generation sits in its job: images done before it and images in the whole job
    /// (a batch runs many generations in one job).
    struct BatchPosition {
        var done: Int
        var total: Int
    }

    /// Makes one generation's images that are not stored yet.
    func run(_ spec: GenerationSpec, context: JobContext, progress position: BatchPosition) throws {
        var generation = try catalog.generation(spec.generationId)
        let stored = try catalog.generationDetail(spec.generationId).assets.filter { $0.role == .output }.count
        if stored >= spec.count {
            if generation.status != .succeeded { generation.status = .succeeded; try catalog.updateGeneration(generation) }
            return
        }
        let started = Date()
        generation.status = .running
        generation.startedAt = Int64(started.timeIntervalSince1970 * 1000)
        try catalog.updateGeneration(generation)
        do {
            try makeImages(spec, from: stored, generation: generation, context: context, position: position)
            generation = try catalog.generation(spec.generationId)
            generation.status = .succeeded
        } catch is CancellationError {
            throw runEnd.stopped(spec.generationId, fallback: generation, context: context)
        } catch {
            throw runEnd.failed(spec.generationId, fallback: generation, error: error, context: context)
        }
        let finished = Date()
        generation.completedAt = Int64(finished.timeIntervalSince1970 * 1000)
        generation.durationMs = Int64(finished.timeIntervalSince(started) * 1000)
        try catalog.updateGeneration(generation)
    }

    /// Makes and stores images `first..<count` (earlier ones survived an interrupted run).
    private func makeImages(_ spec: GenerationSpec, from first: Int, generation: Generation, context: JobContext,
                            position: BatchPosition) throws {
        let compute = spec.precision.flatMap(ComputePath.init(rawValue:)) ?? .f32
        let cacheKey = ModelRegistry.cacheKey(spec.modelPath, compute: compute)
        // Only the decoders are kept for previews: a copy of the whole pipeline held across images would
        // make the in-place LoRA switch between them copy the layers it writes.
        let vae: any LatentAutoencoding, tinyDecoder: (any LatentDecoding)?
        do {
            let loaded = try models.cache.value(for: cacheKey)
            (vae, tinyDecoder) = (loaded.vae, loaded.tinyDecoder)
        } catch {
            throw RPCError(code: RPCErrorCode.unavailable, message: "Model '\(spec.model)' could not be loaded (\(error)); check the files in \(spec.modelPath).",
                           data: ["kind": "unavailable"])
        }
        let initImage = try spec.source.map { try rgbImage(at: $0, width: spec.width, height: spec.height) }
        let mask = try spec.mask.map { try inpaintMask(at: $0, width: spec.width, height: spec.height) }
        let expander = PromptExpander(wildcards: FolderWildcardSource(root: URL(fileURLWithPath: wildcardsDir)))
        var stepSeconds = calibration.secondsPerStep(model: spec.model, width: spec.width, height: spec.height)
        let refine = spec.refine
        // Refining steps cost base steps by pixel count (tiles × steps, or factor² × steps for one pass);
        // ETAs count in base-step units.
        let refineUnits = refine.map { Double($0.baseStepUnits(baseWidth: spec.width, height: spec.height)) } ?? 0
        let imageUnits = Double(spec.steps) + refineUnits
        func report(step: Int, of totalSteps: Int, latents: Tensor, index: Int, stage: String?, unitsLeftThisImage: Double) throws {
            let imageNumber = position.done + index + 1
            let remaining = unitsLeftThisImage + Double(position.total - imageNumber) * imageUnits
            try context.report(JobProgress(step: step, totalSteps: totalSteps, image: imageNumber, images: position.total,
                                           etaSeconds: stepSeconds.map { $0 * remaining }, stage: stage),
                               previewEvery: spec.previewEvery,
                               preview: { (try? tinyDecoder.map { try RGBImage(tensor: $0.decodeScaled(latents: latents)) })?
                                   .flatMap { previews.preview(image: $0) }
                                   ?? previews.preview(latents: latents, model: spec.modelPath, vae: vae) })
        }
        // Images of one job that share their encoded prompt, negative prompt and LoRAs encode it once (a
        // consistent batch of four drafts spent 0.25 s per image re-encoding the same prompt).
        var sharedConditioning: (key: String, value: PromptConditioning)?
        for index in first..<spec.count {
            // Consistent batches keep one expansion of the prompt and vary only the seed.
            let expanded = try expander.randomPrompt(spec.prompt, seed: UInt64(spec.seed), index: spec.fixedPrompt == true ? 0 : index)
            let enhanced = try PromptEnhancer.apply(prompt: expanded, negativePrompt: spec.negativePrompt,
                                                    enhancement: PromptEnhancement(profile: spec.profile, profileEnabled: spec.profile != nil))
            let prompt = enhanced.prompt
            // `<lora:name:w>` tags stay in the recorded prompt (as A1111 writes it) but not in the encoded one.
            let (encoded, tags) = try LoRATag.extract(from: prompt)
            let imagePipeline = try models.loras.pipeline(cache: models.cache, cacheKey: cacheKey, uses: spec.loras(forPromptTags: tags))
            var request = GenerationRequest(prompt: encoded)
            request.negativePrompt = enhanced.negativePrompt
            request.width = spec.width
            request.height = spec.height
            request.steps = spec.steps
            request.guidanceScale = Float(spec.guidance)
            request.seed = UInt64(spec.seed) + UInt64(index)
            request.scheduler = spec.sampler.flatMap(SchedulerKind.init(rawValue:))
            request.initImage = initImage
            request.mask = mask
            request.strength = initImage == nil ? nil : spec.strength
            request.precision = Precision(rawValue: compute.rawValue) ?? .f32
            if spec.count > 1, refine == nil {
                let key = [encoded, request.negativePrompt, String(describing: tags)].joined(separator: "\u{0}")
                if let shared = sharedConditioning, shared.key == key {
                    request.conditioning = shared.value
                } else {
                    sharedConditioning = nil
                    if let made = try? imagePipeline.encodeConditioning(request) {
                        sharedConditioning = (key, made)
                        request.conditioning = made
                    }
                }
            }
            // Draft decodes with the tiny decoder (TAESD) when one is installed; few-step single files
            // (no scheduler config) need trailing spacing.
            if spec.preset == QualityPreset.draft.rawValue, tinyDecoder != nil { request.decoder = .tiny }
            if spec.steps <= 4, spec.modelPath.hasSuffix(".safetensors"),
               (try? ModelFamily.detect(path: spec.modelPath)) == .turbo { request.timestepSpacing = .trailing }
            var stepStart = Date()
            var finalLatents: Tensor?
            // SDXL two-stage runs: steps after the base's share are the refiner's.
            let stages = try refinerStage(spec, compute: compute)
            var baseSteps = Int.max
            if let stages {
                var first = request
                first.denoisingEnd = stages.stage.handoff
                baseSteps = try imagePipeline.plannedSteps(first)
            }
            let onStep: GenerationProgressHandler = { p in
                if spec.previewEvery != nil, p.step == p.totalSteps { finalLatents = p.latents }
                let now = Date()
                let measured = now.timeIntervalSince(stepStart)
                stepStart = now
                stepSeconds = stepSeconds.map { $0 * 0.7 + measured * 0.3 } ?? measured
                let stage = p.step > baseSteps ? "refiner" : (refine == nil && stages == nil ? nil : "base")
                try report(step: p.step, of: p.totalSteps, latents: p.latents, index: index, stage: stage,
                           unitsLeftThisImage: Double(p.totalSteps - p.step) + refineUnits)
                return true
            }
            let result = try stages.map { try imagePipeline.generate(request, refiner: $0.pipeline, stage: $0.stage, progress: onStep) }
                ?? imagePipeline.generate(request, progress: onStep)
            guard let image = result.images.first else { throw RPCError.internalError("the engine returned no image") }
            var pixels = try PixelBuffer(width: image.width, height: image.height, channels: 3, bytes: image.pixels)
            // Later previews of this model fit better for knowing how these latents decoded.
            if let finalLatents { previews.learn(latents: finalLatents, image: pixels, model: spec.modelPath) }
            let enlarge: (PixelBuffer, Int) throws -> PixelBuffer = { image, factor in
                try self.enlarge(image, factor: factor, spec: spec) { tile in
                    try context.report(JobProgress(step: tile.tile, totalSteps: tile.tiles, image: position.done + index + 1,
                                                   images: position.total, stage: "upscale"))
                    return true
                }
            }
            if let refine {
                let unitsPerStep = refineUnits / Double(max(1, refine.steps * (refine.tiles(baseWidth: spec.width, height: spec.height)?.count ?? 1)))
                pixels = try self.refine(pixels, refine, request: request, pipeline: imagePipeline, enlarge: enlarge) { step, total, latents in
                    try report(step: step, of: total, latents: latents, index: index, stage: "refine",
                               unitsLeftThisImage: Double(total - step) * unitsPerStep)
                }
            } else if spec.upscale > 1 {
                pixels = try enlarge(pixels, spec.upscale)
            }
            // The record carries this image's own prompt and seed into its metadata chunks.
            var record = generation
            // A1111 records LoRAs as tags in the prompt: the request's and the brand LoRA are written there too,
            // so other tools reading the image apply them (the `Lora hashes` field comes from the spec's `loras`).
            record.prompt = spec.fixedLoras.reduce(prompt) { $0 + " " + LoRATag(name: $1.name, weight: $1.weight).text }
            record.seed = spec.seed + Int64(index)
            record.completedAt = Int64(Date().timeIntervalSince1970 * 1000)
            try gallery.storeGenerated(pixels: pixels, generation: record, tags: spec.tags, collectionId: spec.collectionId)
        }
        if let stepSeconds { calibration.record(model: spec.model, width: spec.width, height: spec.height, secondsPerStep: stepSeconds) }
    }

    /// The refiner pipeline (warm in the model cache, on the same compute path) and the split, for a
    /// spec with a refiner stage; nil otherwise.
    private func refinerStage(_ spec: GenerationSpec, compute: ComputePath) throws -> (pipeline: StableDiffusionPipeline, stage: RefinerStage)? {
        guard let name = spec.refiner, let path = spec.refinerPath else { return nil }
        let pipeline: StableDiffusionPipeline
        do {
            pipeline = try models.cache.value(for: ModelRegistry.cacheKey(path, compute: compute))
        } catch {
            throw RPCError(code: RPCErrorCode.unavailable, message: "Refiner '\(name)' could not be loaded (\(error)); check the files in \(path).",
                           data: ["kind": "unavailable"])
        }
        guard pipeline.isRefiner else {
            throw RPCError(code: RPCErrorCode.unavailable, message: "'\(name)' at \(path) is no longer an SDXL refiner; pick another with refiner NAME.",
                           data: ["kind": "unavailable"])
        }
        var stage = RefinerStage(handoff: spec.refinerHandoff ?? RefinerStage().handoff)
        stage.aestheticScore = spec.aestheticScore ?? stage.aestheticScore
        return (pipeline, stage)
    }

    /// Ultra's refining pass (see ``UltraRefine``): enlarge to `factor` × the base size, then
    /// image-to-image at the refine strength, over the whole image or tile by tile (cross-faded, see
    /// ``RefineTiles``), then resample the rest of 4×. `progress` gets the pass's steps counted over
    /// every tile.
    private func refine(_ base: PixelBuffer, _ refine: UltraRefine, request: GenerationRequest, pipeline: StableDiffusionPipeline,
                        enlarge: (PixelBuffer, Int) throws -> PixelBuffer,
                        progress: @escaping (_ step: Int, _ totalSteps: Int, _ latents: Tensor) throws -> Void) throws -> PixelBuffer {
        var pixels = refine.factor > 1 ? try enlarge(base, refine.factor) : base
        /// One image-to-image run; its steps are reported as those of part `part` of `parts` equal parts.
        func pass(_ source: PixelBuffer, seed: UInt64, part: Int, of parts: Int) throws -> PixelBuffer {
            var pass = request
            pass.width = source.width
            pass.height = source.height
            pass.seed = seed
            pass.initImage = try RGBImage(width: source.width, height: source.height, pixels: source.bytes)
            pass.mask = nil
            if pipeline.unet.inChannels == 2 * pipeline.vae.latentChannels + 1 {
                // Inpainting checkpoints only run with a mask: repaint everywhere, at the refine strength.
                pass.mask = try InpaintMask(width: source.width, height: source.height,
                                            values: [UInt8](repeating: 255, count: source.width * source.height))
            }
            pass.strength = refine.strength
            let result = try pipeline.generate(pass) { p in
                try progress(part * p.totalSteps + p.step, parts * p.totalSteps, p.latents)
                return true
            }
            guard let image = result.images.first else { throw RPCError.internalError("the engine returned no refined image") }
            return try PixelBuffer(width: image.width, height: image.height, channels: 3, bytes: image.pixels)
        }
        if let tiles = refine.tiles(baseWidth: base.width, height: base.height), tiles.width == pixels.width, tiles.height == pixels.height {
            var blender = RefineTiles.Blender(tiles)
            for (index, tile) in tiles.tiles.enumerated() {
                // Each tile gets its own noise (the same noise in every tile would repeat as a pattern).
                let seed = request.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
                try blender.add(try pass(try RefineTiles.crop(pixels, tile), seed: seed, part: index, of: tiles.count), tile: index)
            }
            pixels = try blender.result()
        } else {
            pixels = try pass(pixels, seed: request.seed, part: 0, of: 1)
        }
        return refine.remainder > 1 ? try enlarge(pixels, refine.remainder) : pixels
    }

    /// Enlarges `factor` times with the spec's learned upscaler (tile progress reported), or with
    /// Lanczos when the spec names none.
    private func enlarge(_ pixels: PixelBuffer, factor: Int, spec: GenerationSpec,
                         progress: @escaping UpscaleProgressHandler) throws -> PixelBuffer {
        guard let upscalers, let name = spec.upscaler, let path = spec.upscalerPath else {
            return try Resampler().upscale(pixels, factor: factor)
        }
        let entry = UpscalerRegistry.Entry(name: name, format: "", path: path, bytes: 0)
        return try UpscalerRegistry.upscale(pixels, factor: factor, with: try upscalers.upscaler(entry), progress: progress)
    }

    private func rgbImage(at path: String, width: Int, height: Int) throws -> RGBImage {
        var pixels = try ImageDecoder().decode(fileAt: URL(fileURLWithPath: path)).pixels.rgb()
        if pixels.width != width || pixels.height != height { pixels = try Resampler().resize(pixels, width: width, height: height) }
        return try RGBImage(width: width, height: height, pixels: pixels.bytes)
    }

    private func inpaintMask(at path: String, width: Int, height: Int) throws -> InpaintMask {
        var pixels = try ImageDecoder().decode(fileAt: URL(fileURLWithPath: path)).pixels.rgb()
        if pixels.width != width || pixels.height != height { pixels = try Resampler().resize(pixels, width: width, height: height) }
        var values = [UInt8](repeating: 0, count: width * height)
        for i in 0..<(width * height) { values[i] = pixels.bytes[i * 3] }
        return try InpaintMask(width: width, height: height, values: values)
    }
}
