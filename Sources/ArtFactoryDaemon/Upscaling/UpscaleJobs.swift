import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation

/// `gallery.upscale`: the `upscale` job kind. Submitting records a generation (queued) whose parent is
/// the original image's generation, in the same transaction as the job; running decodes the original,
/// enlarges it with the learned upscaler in tiles (progress per tile, cancelable) and stores the result
/// as that generation's image, so it appears as a child of the original in the lineage tree.
struct UpscaleJobs {
    static let kind = "upscale"

    let catalog: CatalogDatabase
    let gallery: GalleryService
    let upscalers: UpscalerRegistry
    let runner: JobRunner

    /// What the job's params hold (fixed at submit time, so a retry runs the same thing).
    struct Spec: Codable, Equatable {
        var generationId: String
        var assetId: String
        var factor: Int
        var upscaler: String
        var upscalerPath: String
    }

    /// Checks the image and the upscaler, records the generation and queues the job.
    func submit(_ params: GalleryUpscale.Params) throws -> JobInfo {
        let asset = try CatalogErrors.map { try catalog.asset(params.id) }
        guard let entry = try upscalers.resolve(params.upscaler) else {
            throw RPCError(code: RPCErrorCode.unavailable,
                           message: "No upscaler is installed: copy an ESRGAN-family .safetensors or .pth file (e.g. Real-ESRGAN x4plus, realesr-general-x4v3) into \(upscalers.directory), then try again.",
                           data: ["kind": "unavailable"])
        }
        let factor = params.factor ?? ([2, 4].contains(entry.scale ?? 0) ? entry.scale ?? 2 : 2)
        guard [2, 4].contains(factor) else { throw RPCError.invalidParams("factor must be 2 or 4 (got \(factor))", field: "factor") }
        guard asset.width * factor <= 16384, asset.height * factor <= 16384 else {
            throw RPCError.invalidParams("the result would be \(asset.width * factor)×\(asset.height * factor); at most 16384 px a side", field: "factor")
        }
        let parent = try asset.generationId.map { id in try CatalogErrors.map { try catalog.generation(id) } }
        let spec = Spec(generationId: CatalogID.make(.generation), assetId: asset.id, factor: factor, upscaler: entry.name, upscalerPath: entry.path)
        let json = try GalleryJobs.encode(spec)
        let job = try CatalogErrors.map {
            try catalog.enqueue(kind: Self.kind, params: json) { job in
                [Generation(id: spec.generationId, sessionId: parent?.sessionId ?? asset.sessionId, parentGenerationId: parent?.id,
                            projectId: asset.projectId, prompt: parent?.prompt ?? "", negativePrompt: parent?.negativePrompt ?? "",
                            params: json, model: "upscaler:\(entry.name)", seed: parent?.seed, status: .queued,
                            createdAt: Int64(Date().timeIntervalSince1970 * 1000), jobId: job.id)]
            }
        }
        runner.queued(job)
        guard params.wait ?? false else { return runner.describe(job) }
        let finished = try runner.waitUntilFinished(job.id)
        if finished.status == .failed {
            throw RPCError(code: finished.errorCode ?? RPCErrorCode.internalError, message: finished.error ?? "The upscale failed.",
                           data: ["jobId": .string(job.id)])
        }
        return runner.describe(finished)
    }

    var jobKinds: [JobKind] {
        let catalog = self.catalog, gallery = self.gallery, upscalers = self.upscalers
        return [JobKind(Self.kind, lane: .engine, describe: { job, info in
            guard let spec = try? GalleryJobs.decode(Spec.self, job.params) else { return }
            info.generationId = spec.generationId
            guard job.status == .succeeded, let detail = try? catalog.generationDetail(spec.generationId) else { return }
            info.images = detail.assets.filter { $0.role == .output }.map { asset in
                GeneratedImage(assetId: asset.id, path: gallery.absoluteImage(asset.path),
                               thumbnail: asset.thumbnailPath.map { gallery.absoluteThumbnail($0) },
                               seed: detail.generation.seed ?? 0, width: asset.width, height: asset.height)
            }
        }) { context in
            let spec = try GalleryJobs.decode(Spec.self, context.job.params)
            var generation = try catalog.generation(spec.generationId)
            if try catalog.generationDetail(spec.generationId).assets.contains(where: { $0.role == .output }) { return }
            let started = Date()
            generation.status = .running
            generation.startedAt = Int64(started.timeIntervalSince1970 * 1000)
            try catalog.updateGeneration(generation)
            let asset = try catalog.asset(spec.assetId)
            let original = try ImageDecoder().decode(fileAt: URL(fileURLWithPath: gallery.absoluteImage(asset.path))).pixels.rgb()
            let upscaler = try upscalers.upscaler(UpscalerRegistry.Entry(name: spec.upscaler, format: "", path: spec.upscalerPath, bytes: 0))
            let pixels: PixelBuffer
            do {
                pixels = try UpscalerRegistry.upscale(original, factor: spec.factor, with: upscaler) { tile in
                    try context.report(JobProgress(step: tile.tile, totalSteps: tile.tiles, image: 1, images: 1, stage: "upscale"))
                    return true
                }
            } catch {
                // A canceled job ends canceled; one stopped by shutdown runs again at the next start.
                generation.status = error is CancellationError ? (context.isCanceled ? .canceled : .queued) : .failed
                if !(error is CancellationError) { generation.error = "\(error)" }
                try catalog.updateGeneration(generation)
                throw error
            }
            let finished = Date()
            generation.status = .succeeded
            generation.completedAt = Int64(finished.timeIntervalSince1970 * 1000)
            generation.durationMs = Int64(finished.timeIntervalSince(started) * 1000)
            _ = try gallery.storeGenerated(pixels: pixels, generation: generation)
            try catalog.updateGeneration(generation)
        }]
    }
}
