import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// Joins the queue, the model registry and the executor: what the `generate`, `job.*`, `queue.*`
/// and `models.*` handlers call. Created once by ``Daemon/registerGenerationMethods()``.
final class GenerationService: @unchecked Sendable {
    let catalog: CatalogDatabase
    let runner: JobRunner
    /// Runs `remote` jobs on its own thread, so waiting on a provider never holds the engine.
    let remoteRunner: JobRunner
    let providers: ProviderHub
    let models: ModelRegistry
    let paths: DaemonPaths
    let calibration: StepCalibration

    var wildcardsDir: String { paths.home + "/wildcards" }

    init(catalog: CatalogDatabase, runner: JobRunner, remoteRunner: JobRunner, providers: ProviderHub, paths: DaemonPaths,
         gallery: GalleryService) {
        self.catalog = catalog
        self.runner = runner
        self.remoteRunner = remoteRunner
        self.providers = providers
        self.paths = paths
        models = ModelRegistry(modelsDir: paths.modelsDir, configFile: paths.configFile,
                               installer: DefaultModelInstaller(modelsDir: paths.modelsDir, logger: runner.logger))
        calibration = StepCalibration(catalog: catalog)
        let executor = GenerationExecutor(catalog: catalog, models: models, gallery: gallery,
                                          wildcardsDir: paths.home + "/wildcards", calibration: calibration,
                                          previews: LatentPreviewer())
        runner.register(kind: "generate") { context in try executor.run(context) }
        let batch = BatchExecutor(catalog: catalog, runOne: { spec, context, position in try executor.run(spec, context: context, progress: position) },
                                  galleryDir: paths.galleryDir, batchesDir: paths.home + "/batches")
        runner.register(kind: "batch") { context in try batch.run(context) }
        runner.describe = { [unowned self] job in describe(job) }
        let remote = RemoteExecutor(catalog: catalog, gallery: gallery, hub: providers, wildcardsDir: paths.home + "/wildcards",
                                    logger: runner.logger)
        remoteRunner.register(kind: "remote") { context in try remote.run(context) }
        let remoteBatch = BatchExecutor(catalog: catalog, runOne: { spec, context, position in try remote.run(spec, context: context, position: position) },
                                        galleryDir: paths.galleryDir, batchesDir: paths.home + "/batches")
        remoteRunner.register(kind: "remote-batch") { context in try remoteBatch.run(context) }
        remoteRunner.describe = { [unowned self] job in describe(job) }
    }

    func validator() -> GenerateValidator {
        GenerateValidator(catalog: catalog, models: models, galleryDir: paths.galleryDir, wildcardsDir: wildcardsDir, providers: providers)
    }

    /// Cancels a job wherever it runs.
    func cancel(_ id: String) throws -> JobInfo {
        let job = try runner.cancel(id)
        remoteRunner.stopIfRunning(id)
        return describe(job)
    }

    /// Pauses or resumes both workers.
    func setPaused(_ value: Bool) throws {
        try runner.setPaused(value)
        try remoteRunner.setPaused(value, announce: false)
    }

    /// Wakes both workers (a job was queued, retried or resumed).
    func wake() {
        runner.wake()
        remoteRunner.wake()
    }

    /// Validates, records the generation (status queued) and queues its job.
    func submit(_ params: Generate.Params) throws -> Generate.Result {
        let spec = try validator().spec(for: params)
        let json = try spec.catalogJSON()
        let kind = spec.provider == nil ? "generate" : "remote"
        let ahead = try catalog.listJobs(statuses: [.queued, .running]).filter { $0.kind == kind }.count
        let job = try CatalogErrors.map { try catalog.enqueue(kind: kind, params: json) }
        do {
            _ = try CatalogErrors.map {
                try catalog.insertGeneration(Generation(
                    id: spec.generationId, sessionId: spec.sessionId, parentGenerationId: spec.parentId, projectId: spec.projectId,
                    prompt: spec.prompt, negativePrompt: spec.negativePrompt, params: json, model: spec.model,
                    provider: spec.provider ?? "local", seed: spec.seed, status: .queued, createdAt: Int64(Date().timeIntervalSince1970 * 1000),
                    cost: spec.estimatedCost, jobId: job.id))
            }
        } catch {
            _ = try? catalog.cancelJob(job.id)
            throw error
        }
        runner.publishState(job)
        wake()
        return Generate.Result(jobId: job.id, generationId: spec.generationId, seed: spec.seed, model: spec.model, position: ahead,
                               provider: spec.provider ?? "local", estimatedCost: spec.estimatedCost)
    }

    /// Validates a batch, records its generations (status queued) and queues it as one job.
    func submitBatch(_ params: BatchSubmit.Params) throws -> BatchSubmit.Result {
        var plan = try BatchPlan.make(params, validator: validator())
        let estimate = try remoteBatchEstimate(&plan)
        let job = try CatalogErrors.map { try catalog.enqueue(kind: estimate == nil ? "batch" : "remote-batch", params: try plan.catalogJSON()) }
        do {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for spec in plan.specs {
                _ = try CatalogErrors.map {
                    try catalog.insertGeneration(Generation(
                        id: spec.generationId, sessionId: spec.sessionId, parentGenerationId: spec.parentId, projectId: spec.projectId,
                        prompt: spec.prompt, negativePrompt: spec.negativePrompt, params: try spec.catalogJSON(), model: spec.model,
                        provider: spec.provider ?? "local", seed: spec.seed, status: .queued, createdAt: now, cost: spec.estimatedCost,
                        jobId: job.id, batchId: job.id))
                }
            }
        } catch {
            _ = try? catalog.cancelJob(job.id)
            throw error
        }
        runner.publishState(job)
        runner.wake()
        return BatchSubmit.Result(jobId: job.id, batchId: job.id, generationIds: plan.specs.map(\.generationId), total: plan.total,
                                  provider: estimate?.provider ?? "local", estimatedCost: estimate?.estimatedCost)
    }

    /// For a batch on a remote model: one provider for every generation, at most
    /// ``Generate/maxCount`` images per request, the whole batch within today's limits; each
    /// generation records its share of the estimate. Nil for a local batch.
    private func remoteBatchEstimate(_ plan: inout BatchPlan) throws -> ProviderEstimate.Result? {
        let remote = plan.specs.compactMap(\.provider)
        guard !remote.isEmpty else { return nil }
        guard remote.count == plan.specs.count, Set(remote).count == 1 else {
            throw RPCError.invalidParams("a batch runs on one provider: every generation must use the same kind of model", field: "model")
        }
        if let big = plan.specs.first(where: { $0.count > Generate.maxCount }) {
            throw RPCError(code: RPCErrorCode.limitExceeded,
                           message: "A remote batch makes at most \(Generate.maxCount) images per prompt (got \(big.count)); use the diverse strategy or several batches.",
                           data: ["kind": "limitExceeded", "path": "images"])
        }
        let model = try providers.model(plan.specs[0].model)
        let estimate = try providers.estimate(model, count: plan.total)
        guard estimate.allowed else {
            throw RPCError(code: RPCErrorCode.limitExceeded, message: "Refused: \(estimate.reason ?? "a daily limit would be exceeded").",
                           data: ["kind": "limitExceeded", "provider": .string(model.provider)])
        }
        for i in plan.specs.indices { plan.specs[i].estimatedCost = estimate.costPerImage * Double(plan.specs[i].count) }
        return estimate
    }

    /// The client view of a job: generation id and, once it succeeded, its images.
    func describe(_ job: Job) -> JobInfo {
        var info = JobRunner.baseInfo(job)
        if let live = runner.liveProgress(job.id) ?? remoteRunner.liveProgress(job.id) { info.progress = live }
        if job.kind == "batch" || job.kind == "remote-batch", let plan = try? BatchPlan(catalogJSON: job.params) { return describeBatch(job, plan, info) }
        guard job.kind == "generate" || job.kind == "remote", let spec = try? GenerationSpec(catalogJSON: job.params) else { return info }
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

    private func describeBatch(_ job: Job, _ plan: BatchPlan, _ base: JobInfo) -> JobInfo {
        var info = base
        var failed = 0
        for spec in plan.specs {
            guard let detail = try? catalog.generationDetail(spec.generationId) else { continue }
            let outputs = detail.assets.filter { $0.role == .output }
            if detail.generation.status == .failed { failed += spec.count - outputs.count }
            info.images += outputs.enumerated().map { index, asset in
                GeneratedImage(assetId: asset.id, path: paths.galleryDir + "/" + asset.path,
                               thumbnail: asset.thumbnailPath.map { paths.thumbnailsDir + "/" + $0 },
                               seed: spec.seed + Int64(index), width: asset.width, height: asset.height)
            }
        }
        info.failedImages = failed
        let dir = paths.home + "/batches"
        if job.status == .succeeded {
            info.zip = FileManager.default.fileExists(atPath: BatchExecutor.zipPath(dir, job.id)) ? BatchExecutor.zipPath(dir, job.id) : nil
            info.contactSheet = FileManager.default.fileExists(atPath: BatchExecutor.sheetPath(dir, job.id)) ? BatchExecutor.sheetPath(dir, job.id) : nil
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
