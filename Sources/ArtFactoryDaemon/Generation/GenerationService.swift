import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// Joins the queue, the model registry and the executor: what the `generate`, `job.*`, `queue.*`
/// and `models.*` handlers call. Created once by ``Daemon/registerGenerationMethods()``.
final class GenerationService: @unchecked Sendable {
    let catalog: CatalogDatabase
    let runner: JobRunner
    let models: ModelRegistry
    let paths: DaemonPaths
    let calibration: StepCalibration

    var wildcardsDir: String { paths.home + "/wildcards" }

    init(catalog: CatalogDatabase, runner: JobRunner, paths: DaemonPaths, gallery: GalleryService) {
        self.catalog = catalog
        self.runner = runner
        self.paths = paths
        models = ModelRegistry(modelsDir: paths.modelsDir, configFile: paths.configFile)
        calibration = StepCalibration(catalog: catalog)
        let executor = GenerationExecutor(catalog: catalog, models: models, gallery: gallery,
                                          wildcardsDir: paths.home + "/wildcards", calibration: calibration)
        runner.register(kind: "generate") { context in try executor.run(context) }
        runner.describe = { [unowned self] job in describe(job) }
    }

    /// Validates, records the generation (status queued) and queues its job.
    func submit(_ params: Generate.Params) throws -> Generate.Result {
        let validator = GenerateValidator(catalog: catalog, models: models, galleryDir: paths.galleryDir, wildcardsDir: wildcardsDir)
        let spec = try validator.spec(for: params)
        let json = try spec.catalogJSON()
        let ahead = try catalog.listJobs(statuses: [.queued, .running]).count
        let job = try CatalogErrors.map { try catalog.enqueue(kind: "generate", params: json) }
        do {
            _ = try CatalogErrors.map {
                try catalog.insertGeneration(Generation(
                    id: spec.generationId, sessionId: spec.sessionId, parentGenerationId: spec.parentId, projectId: spec.projectId,
                    prompt: spec.prompt, negativePrompt: spec.negativePrompt, params: json, model: spec.model, seed: spec.seed,
                    status: .queued, createdAt: Int64(Date().timeIntervalSince1970 * 1000), jobId: job.id))
            }
        } catch {
            _ = try? catalog.cancelJob(job.id)
            throw error
        }
        runner.publishState(job)
        runner.wake()
        return Generate.Result(jobId: job.id, generationId: spec.generationId, seed: spec.seed, model: spec.model, position: ahead)
    }

    /// The client view of a job: generation id and, once it succeeded, its images.
    func describe(_ job: Job) -> JobInfo {
        var info = JobRunner.baseInfo(job)
        if let live = runner.liveProgress(job.id) { info.progress = live }
        guard job.kind == "generate", let spec = try? GenerationSpec(catalogJSON: job.params) else { return info }
        info.generationId = spec.generationId
        if job.status == .succeeded, let detail = try? catalog.generationDetail(spec.generationId) {
            // Assets come in creation order, which is image order: image i has seed S+i.
            info.images = detail.assets.filter { $0.role == .output }.enumerated().map { index, asset in
                GeneratedImage(assetId: asset.id, path: paths.galleryDir + "/" + asset.path,
                               thumbnail: asset.thumbnailPath.map { paths.thumbnailsDir + "/" + $0 },
                               seed: spec.seed + Int64(index), width: asset.width, height: asset.height)
            }
        }
        return info
    }

    func job(_ id: String) throws -> JobInfo { describe(try CatalogErrors.map { try catalog.job(id) }) }

    func list(_ params: JobList.Params) throws -> JobList.Result {
        var statuses: [JobStatus]?
        if let names = params.status {
            statuses = try names.map { name in
                guard let s = JobStatus(rawValue: name) else {
                    throw RPCError.invalidParams("unknown status '\(name)'; use queued, running, paused, succeeded, failed or canceled", field: "status")
                }
                return s
            }
        }
        let limit = params.limit ?? 100
        guard (1...1000).contains(limit) else { throw RPCError.invalidParams("limit must be 1…1000 (got \(limit))", field: "limit") }
        let jobs = try CatalogErrors.map { try catalog.listJobs(statuses: statuses, limit: limit) }
        return JobList.Result(jobs: jobs.map(describe), paused: runner.isPaused)
    }

    func queueState() throws -> QueuePause.Result {
        QueuePause.Result(paused: runner.isPaused, queued: try catalog.listJobs(statuses: [.queued]).count)
    }
}
