import ArtFactoryProtocol

extension Daemon {
    /// generate, job.*, queue.*, models.*: the generation service and its queue. Starts the
    /// workers (after ``registerGalleryMethods()`` registered the file jobs).
    func registerGenerationMethods() {
        let runner = jobs
        let remoteRunner = JobRunner(catalog: catalog, events: events, logger: logger, threadName: "artfactory-remote")
        let hub = ProviderHub(config: config, keysFile: paths.credentialsFile, catalog: catalog, logger: logger)
        providers = hub
        let service = GenerationService(catalog: catalog, runner: runner, remoteRunner: remoteRunner, providers: hub, paths: paths, gallery: gallery)
        table.register(Generate.self, on: .worker) { params, _ in try service.submit(params) }
        table.register(JobGet.self, on: .worker) { params, _ in try service.job(params.id) }
        table.register(JobList.self, on: .worker) { params, _ in try service.list(params) }
        table.register(JobCancel.self, on: .worker) { params, _ in try service.cancel(params.id) }
        table.register(JobRetry.self, on: .worker) { params, _ in
            let job = try CatalogErrors.map { try service.catalog.retryJob(params.id) }
            runner.publishState(job)
            service.wake()
            return service.describe(job)
        }
        registerQueueMethods(service)
        registerModelMethods(service)
        registerPresetMethods(service)
        registerSessionMethods()
        registerPromptMethods(service)
        registerBatchMethods(service)
        registerProviderMethods(hub)
        registerExploreMethods(service)
        counters["jobProgressReports"] = { runner.reportCost.count }
        counters["jobProgressNanos"] = { runner.reportCost.nanos }
        shutdownHooks.append { runner.stop(); remoteRunner.stop() }
        do {
            try runner.start()
            try remoteRunner.start(recoverInterrupted: false)
        } catch {
            logger.error("the job queue could not start: \(error)")
        }
    }
}
