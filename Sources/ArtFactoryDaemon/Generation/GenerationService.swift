import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// Joins the queue, the model registry and the executors: what the `generate`, `batch.submit`,
/// `job.*`, `queue.*` and `models.*` handlers call. Built once by ``DaemonServices``, which
/// registers its ``jobKinds`` with the runner.
final class GenerationService: @unchecked Sendable {
    static let generateKind = "generate"
    static let batchKind = "batch"
    static let remoteKind = "remote"
    static let remoteBatchKind = "remote-batch"

    let catalog: CatalogDatabase
    let jobs: JobRunner
    let providers: ProviderHub
    let models: ModelRegistry
    /// Learned upscalers in `$ARTFACTORY_HOME/upscalers/` for High, Ultra and `upscale`.
    let upscalers: UpscalerRegistry
    let paths: DaemonPaths
    let calibration: StepCalibration
    private let gallery: GalleryService

    var wildcardsDir: String { paths.home + "/wildcards" }
    var batchesDir: String { paths.home + "/batches" }

    init(catalog: CatalogDatabase, jobs: JobRunner, providers: ProviderHub, paths: DaemonPaths, gallery: GalleryService) {
        self.catalog = catalog
        self.jobs = jobs
        self.providers = providers
        self.paths = paths
        self.gallery = gallery
        models = ModelRegistry(modelsDir: paths.modelsDir, configFile: paths.configFile,
                               installer: DefaultModelInstaller(modelsDir: paths.modelsDir, logger: jobs.logger))
        calibration = StepCalibration(catalog: catalog)
        upscalers = UpscalerRegistry(directory: paths.home + "/upscalers", configFile: paths.configFile)
    }

    /// `generate` and `batch` on the engine lane, `remote` and `remote-batch` on the remote lane.
    var jobKinds: [JobKind] {
        let executor = GenerationExecutor(catalog: catalog, models: models, gallery: gallery, wildcardsDir: wildcardsDir,
                                          calibration: calibration, previews: LatentPreviewer(), logger: jobs.logger,
                                          upscalers: upscalers)
        let batch = BatchExecutor(catalog: catalog, runOne: { spec, context, position in try executor.run(spec, context: context, progress: position) },
                                  galleryDir: paths.galleryDir, batchesDir: batchesDir)
        let remote = RemoteExecutor(catalog: catalog, gallery: gallery, hub: providers, wildcardsDir: wildcardsDir, logger: jobs.logger)
        var remoteBatch = BatchExecutor(catalog: catalog, runOne: { spec, context, position in try remote.run(spec, context: context, position: position) },
                                        galleryDir: paths.galleryDir, batchesDir: batchesDir)
        // A batch on own servers spreads its generations over the pool.
        remoteBatch.parallelism = { [providers] spec in
            spec.provider.map { ProviderHub.isServerKind($0) ? max(1, providers.servers.capacity($0)) : 1 } ?? 1
        }
        let single: JobKind.Describer = { [unowned self] job, info in describeGeneration(job, &info) }
        let many: JobKind.Describer = { [unowned self] job, info in describeBatch(job, &info) }
        return [
            JobKind(Self.generateKind, lane: .engine, describe: single) { context in try executor.run(context) },
            JobKind(Self.batchKind, lane: .engine, describe: many) { context in try batch.run(context) },
            JobKind(Self.remoteKind, lane: .remote, describe: single) { context in try remote.run(context) },
            JobKind(Self.remoteBatchKind, lane: .remote, describe: many) { [remoteBatch] context in try remoteBatch.run(context) },
        ]
    }

    func validator() -> GenerateValidator {
        GenerateValidator(catalog: catalog, models: models, galleryDir: paths.galleryDir, wildcardsDir: wildcardsDir, providers: providers,
                          upscalers: upscalers)
    }

    /// Validates, records the generation (status queued) and queues its job.
    func submit(_ params: Generate.Params) throws -> Generate.Result {
        let spec = try validator().spec(for: params)
        let json = try spec.catalogJSON()
        let kind = spec.provider == nil ? Self.generateKind : Self.remoteKind
        let ahead = try catalog.listJobs(statuses: [.queued, .running]).filter { $0.kind == kind }.count
        // The job and its generation row in one transaction: neither exists without the other.
        let createdAt = Int64(Date().timeIntervalSince1970 * 1000)
        let job = try CatalogErrors.map {
            try catalog.enqueue(kind: kind, params: json) { job in [spec.generationRecord(params: json, createdAt: createdAt, jobId: job.id)] }
        }
        jobs.queued(job)
        return Generate.Result(jobId: job.id, generationId: spec.generationId, seed: spec.seed, model: spec.model, position: ahead,
                               provider: spec.provider ?? "local", estimatedCost: spec.estimatedCost)
    }

    /// Validates a batch, records its generations (status queued) and queues it as one job.
    func submitBatch(_ params: BatchSubmit.Params) throws -> BatchSubmit.Result {
        var plan = try BatchPlan.make(params, validator: validator())
        let estimate = try remoteBatchEstimate(&plan)
        try plan.createResultCollection(catalog)
        let records = try plan.specs.map { ($0, try $0.catalogJSON()) }
        let createdAt = Int64(Date().timeIntervalSince1970 * 1000)
        // The job and every generation row of the batch in one transaction.
        let job = try CatalogErrors.map {
            try catalog.enqueue(kind: estimate == nil ? Self.batchKind : Self.remoteBatchKind, params: try plan.catalogJSON()) { job in
                records.map { spec, json in spec.generationRecord(params: json, createdAt: createdAt, jobId: job.id, batchId: job.id) }
            }
        }
        jobs.queued(job)
        return BatchSubmit.Result(jobId: job.id, batchId: job.id, generationIds: plan.specs.map(\.generationId), total: plan.total,
                                  provider: estimate?.provider ?? "local", estimatedCost: estimate?.estimatedCost, collectionId: plan.collectionId)
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

    /// What a `generate` or `remote` job adds: its generation id and, once it succeeded, its images.
    private func describeGeneration(_ job: Job, _ info: inout JobInfo) {
        guard let spec = try? GenerationSpec(catalogJSON: job.params) else { return }
        info.generationId = spec.generationId
        if job.status == .succeeded, let detail = try? catalog.generationDetail(spec.generationId) {
            // Assets come in creation order, which is image order: image i has seed S+i.
            info.images = detail.assets.filter { $0.role == .output }.enumerated().map { index, asset in
                GeneratedImage(assetId: asset.id, path: paths.galleryDir + "/" + asset.path,
                               thumbnail: asset.thumbnailPath.map { paths.thumbnailsDir + "/" + $0 },
                               seed: spec.seed + Int64(index), width: asset.width, height: asset.height)
            }
        }
    }

    /// What a `batch` or `remote-batch` job adds: the images so far, the failed count and, once it
    /// succeeded, the zip and contact sheet.
    private func describeBatch(_ job: Job, _ info: inout JobInfo) {
        guard let plan = try? BatchPlan(catalogJSON: job.params) else { return }
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
        if job.status == .succeeded {
            let zip = BatchExecutor.zipPath(batchesDir, job.id), sheet = BatchExecutor.sheetPath(batchesDir, job.id)
            info.zip = FileManager.default.fileExists(atPath: zip) ? zip : nil
            info.contactSheet = FileManager.default.fileExists(atPath: sheet) ? sheet : nil
        }
    }

    func job(_ id: String) throws -> JobInfo { jobs.describe(try CatalogErrors.map { try catalog.job(id) }) }

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
        let found = try CatalogErrors.map { try catalog.listJobs(statuses: statuses, limit: limit) }
        return JobList.Result(jobs: found.map(jobs.describe), paused: jobs.isPaused)
    }

    func queueState() throws -> QueuePause.Result {
        QueuePause.Result(paused: jobs.isPaused, queued: try catalog.listJobs(statuses: [.queued]).count)
    }
}
