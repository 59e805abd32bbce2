import ArtFactoryProtocol

/// generate, job.get, job.list, job.cancel, job.retry: submission through the generation service,
/// everything else through the one ``JobRunner``.
struct JobHandlers: HandlerGroup {
    let generation: GenerationService
    let jobs: JobRunner

    func register(in table: MethodTable) {
        table.register(Generate.self, on: .worker) { params, _ in try generation.submit(params) }
        table.register(JobGet.self, on: .worker) { params, _ in try generation.job(params.id) }
        table.register(JobList.self, on: .worker) { params, _ in try generation.list(params) }
        table.register(JobCancel.self, on: .worker) { params, _ in jobs.describe(try jobs.cancel(params.id)) }
        table.register(JobRetry.self, on: .worker) { params, _ in jobs.describe(try jobs.retry(params.id)) }
    }
}
