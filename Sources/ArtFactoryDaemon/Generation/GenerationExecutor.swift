import ArtFactoryCatalog
import ArtFactoryEngine
import ArtFactoryImaging
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation

/// Runs one `generate` job on the worker thread: loads the model (kept warm by the cache), makes
/// each image with seed S+i, upscales for High/Ultra, writes PNG (with `parameters` and
/// `artfactory` metadata) and WebP thumbnail atomically, then records the assets in one transaction.
///
/// Re-running after a crash is safe: file names are fixed per generation and image index (a rerun
/// overwrites the same files), rows are written once at the end, and a generation whose rows are
/// already complete is not made again.
struct GenerationExecutor {
    let catalog: CatalogDatabase
    let models: ModelRegistry
    let galleryDir: String
    let thumbnailsDir: String
    let wildcardsDir: String
    let calibration: StepCalibration

    func run(_ context: JobContext) throws {
        let spec = try GenerationSpec(catalogJSON: context.job.params)
        var generation = try catalog.generation(spec.generationId)
        if try catalog.generationDetail(spec.generationId).assets.count >= spec.count {
            if generation.status != .succeeded { generation.status = .succeeded; try catalog.updateGeneration(generation) }
            return
        }
        let started = Date()
        generation.status = .running
        generation.startedAt = Int64(started.timeIntervalSince1970 * 1000)
        try catalog.updateGeneration(generation)
        do {
            let assets = try makeImages(spec, context: context)
            try catalog.addAssets(assets, toGeneration: spec.generationId, tags: spec.tags)
            generation.status = .succeeded
        } catch is CancellationError {
            generation.status = context.isCanceled && (try? catalog.job(context.job.id).status) == .canceled ? .canceled : .queued
            try? catalog.updateGeneration(generation)
            throw CancellationError()
        } catch {
            generation.status = .failed
            generation.error = (error as? RPCError)?.message ?? "\(error)"
            try? catalog.updateGeneration(generation)
            throw error
        }
        let finished = Date()
        generation.completedAt = Int64(finished.timeIntervalSince1970 * 1000)
        generation.durationMs = Int64(finished.timeIntervalSince(started) * 1000)
        try catalog.updateGeneration(generation)
    }

    private func makeImages(_ spec: GenerationSpec, context: JobContext) throws -> [Asset] {
        let pipeline: StableDiffusionPipeline
        do {
            pipeline = try models.cache.value(for: spec.modelPath)
        } catch {
            throw RPCError(code: RPCErrorCode.unavailable, message: "Model '\(spec.model)' could not be loaded (\(error)); check the files in \(spec.modelPath).",
                           data: ["kind": "unavailable"])
        }
        let initImage = try spec.source.map { try rgbImage(at: $0, width: spec.width, height: spec.height) }
        let mask = try spec.mask.map { try inpaintMask(at: $0, width: spec.width, height: spec.height) }
        let expander = PromptExpander(wildcards: FolderWildcardSource(root: URL(fileURLWithPath: wildcardsDir)))
        var stepSeconds = calibration.secondsPerStep(model: spec.model, width: spec.width, height: spec.height)
        var assets: [Asset] = []
        let folder = Self.monthFolder()
        for index in 0..<spec.count {
            let prompt = try expander.randomPrompt(spec.prompt, seed: UInt64(spec.seed), index: index)
            var request = GenerationRequest(prompt: prompt)
            request.negativePrompt = spec.negativePrompt
            request.width = spec.width
            request.height = spec.height
            request.steps = spec.steps
            request.guidanceScale = Float(spec.guidance)
            request.seed = UInt64(spec.seed) + UInt64(index)
            request.scheduler = spec.sampler.flatMap(SchedulerKind.init(rawValue:))
            request.initImage = initImage
            request.mask = mask
            request.strength = initImage == nil ? nil : spec.strength
            var stepStart = Date()
            let result = try pipeline.generate(request) { p in
                let now = Date()
                let measured = now.timeIntervalSince(stepStart)
                stepStart = now
                stepSeconds = stepSeconds.map { $0 * 0.7 + measured * 0.3 } ?? measured
                let remaining = (p.totalSteps - p.step) + (spec.count - index - 1) * p.totalSteps
                try context.report(JobProgress(step: p.step, totalSteps: p.totalSteps, image: index + 1, images: spec.count,
                                               etaSeconds: stepSeconds.map { $0 * Double(remaining) }))
                return true
            }
            guard let image = result.images.first else { throw RPCError.internalError("the engine returned no image") }
            var pixels = try PixelBuffer(width: image.width, height: image.height, channels: 3, bytes: image.pixels)
            if spec.upscale > 1 { pixels = try Resampler().upscale(pixels, factor: spec.upscale) }
            let seed = spec.seed + Int64(index)
            let png = try PNGEncoder().encode(pixels, textChunks: metadataChunks(spec, prompt: prompt, seed: seed, pixels: pixels))
            let name = "\(spec.generationId)-\(index)"
            let relative = "\(folder)/\(name).png"
            try AtomicFile.write(png, to: URL(fileURLWithPath: galleryDir + "/" + relative))
            let thumb = try Thumbnailer().thumbnail(of: pixels)
            let thumbRelative = "\(folder)/\(name).webp"
            try AtomicFile.write(thumb.webp, to: URL(fileURLWithPath: thumbnailsDir + "/" + thumbRelative))
            assets.append(Asset(path: relative, thumbnailPath: thumbRelative, sha256: SHA256Digest.hex(png), width: pixels.width,
                                height: pixels.height, bytes: Int64(png.count), createdAt: Int64(Date().timeIntervalSince1970 * 1000)))
        }
        if let stepSeconds { calibration.record(model: spec.model, width: spec.width, height: spec.height, secondsPerStep: stepSeconds) }
        return assets
    }

    private func metadataChunks(_ spec: GenerationSpec, prompt: String, seed: Int64, pixels: PixelBuffer) throws -> [PNGTextChunk] {
        let a1111 = A1111Parameters.format(GenerationMetadata(
            source: .automatic1111, prompt: prompt, negativePrompt: spec.negativePrompt, steps: spec.steps,
            sampler: spec.sampler ?? "default", cfgScale: spec.guidance, seed: UInt64(seed), width: pixels.width,
            height: pixels.height, model: spec.model))
        var record = JSONObject([
            ("prompt", .string(prompt)), ("negativePrompt", .string(spec.negativePrompt)), ("model", .string(spec.model)),
            ("seed", .int(seed)), ("steps", .int(Int64(spec.steps))), ("cfgScale", .double(spec.guidance)),
            ("width", .int(Int64(pixels.width))), ("height", .int(Int64(pixels.height))),
            ("generationId", .string(spec.generationId)), ("template", .string(spec.prompt)),
        ])
        if let sampler = spec.sampler { record["sampler"] = .string(sampler) }
        if let preset = spec.preset { record["preset"] = .string(preset) }
        if let parent = spec.parentId { record["parentGenerationId"] = .string(parent) }
        return [PNGTextChunk(kind: .tEXt, keyword: "parameters", text: a1111),
                PNGTextChunk(kind: .iTXt, keyword: ArtFactoryRecordMetadata.keyword, text: JSONWriter.string(.object(record)))]
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

    /// `YYYY-MM` (UTC): one gallery folder per month keeps directories small.
    static func monthFolder(_ date: Date = Date()) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d", c.year ?? 1970, c.month ?? 1)
    }
}
