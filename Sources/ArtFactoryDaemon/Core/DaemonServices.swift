import ArtFactoryCatalog
import ArtFactoryIPC
import Foundation
import Logging

/// The composition root of the daemon's services: each is built once, here, in the order written
/// below, from the ones built before it; nothing else constructs a service.
///
///     catalog ─┬─ events ─ gallery ─┬─ providers ─ jobs ─ generation ─ galleryJobs ─ watch
///              └────────────────────┘
///
/// 1. `catalog`: the SQLite catalog, opened and migrated by ``Daemon`` (its errors decide whether
///    the process starts at all).
/// 2. `events`: notifications to subscribers, on the loop.
/// 3. `gallery`: files and their rows (stateless apart from both; any thread).
/// 4. `providers`: remote providers, their keys and daily limits (re-read on SIGHUP).
/// 5. `jobs`: the one ``JobRunner``; the job kinds of the services below are registered with it
///    at the end of `init`, and it starts in ``start(loop:logger:)``.
/// 6. `generation`: `generate`, batches, models, presets (kinds `generate`, `batch`, `remote`,
///    `remote-batch`).
/// 7. `galleryJobs`: imports and exports (kinds `import`, `export`).
/// 8. `watch`: watched folders, importing through `gallery`.
///
/// Handler groups receive the services they use from here (`Daemon+Handlers.swift`); a new
/// service is one `let`, one line in `init` after the services it needs, and, when it has jobs,
/// its kinds in the `jobs.register` call.
struct DaemonServices {
    let catalog: CatalogDatabase
    let events: EventBus
    let gallery: GalleryService
    let providers: ProviderHub
    let jobs: JobRunner
    let generation: GenerationService
    let galleryJobs: GalleryJobs
    /// `gallery.upscale` jobs (kind `upscale`) through the generation service's upscalers.
    let upscaleJobs: UpscaleJobs
    let watch: WatchService
    /// Hand-offs to enhancement pipelines (docs/analytics.md#hand-off).
    let handoff: HandoffService

    init(catalog: CatalogDatabase, loop: EventLoop, paths: DaemonPaths, config: DaemonConfig, logger: Logger) {
        self.catalog = catalog
        events = EventBus(loop: loop)
        gallery = GalleryService(catalog: catalog, paths: paths, events: events)
        providers = ProviderHub(config: config, keysFile: paths.credentialsFile, catalog: catalog, logger: logger)
        jobs = JobRunner(catalog: catalog, events: events, logger: logger)
        generation = GenerationService(catalog: catalog, jobs: jobs, providers: providers, paths: paths, gallery: gallery)
        galleryJobs = GalleryJobs(gallery: gallery, runner: jobs)
        upscaleJobs = UpscaleJobs(catalog: catalog, gallery: gallery, upscalers: generation.upscalers, runner: jobs)
        watch = WatchService(loop: loop, gallery: gallery, events: events, logger: logger,
                             clientPaths: ClientPath(daemonHome: paths.home), settleMs: config.watchSettleMs)
        handoff = HandoffService(catalog: catalog, gallery: gallery, logger: logger)
        jobs.register(generation.jobKinds + galleryJobs.jobKinds + upscaleJobs.jobKinds)
        // Separate jobs on self-hosted servers run at once, up to what the pools can take.
        jobs.setWidth(.remote) { [providers] in providers.servers.totalCapacity }
    }

    /// Before the socket answers: undoes gallery writes a crash interrupted, recovers interrupted
    /// jobs and starts the job lanes, and schedules the daily retention.
    /// - Throws: when the job queue cannot start (the daemon must not answer without one).
    func start(loop: EventLoop, logger: Logger) throws {
        do {
            let undone = try gallery.recoverPendingWrites()
            if undone > 0 { logger.warning("removed files of interrupted gallery writes", metadata: ["count": .stringConvertible(undone)]) }
        } catch {
            logger.error("could not check for interrupted gallery writes; run gallery.fsck", metadata: ["error": .string("\(error)")])
        }
        scheduleDailyRetention(loop: loop, logger: logger)
        handoff.start(loop: loop)
        do {
            try jobs.start()
        } catch {
            // A daemon that answers but never runs a job would accept work and lose it: refuse to start.
            logger.critical("the job queue could not start; the daemon stops", metadata: ["error": .string("\(error)")])
            throw DaemonError(.io, "The job queue could not start (\(error)); check that the catalog \(catalog.path) is writable and the disk is not full, then start again.",
                              cause: error)
        }
    }

    /// With the loop: the folder watches (they live on the loop's handles).
    func startWithLoop() { watch.start() }

    /// When shutdown begins: stop scanning folders and claiming jobs (running jobs are asked to stop
    /// and are re-queued at the next start).
    func stop() {
        watch.stop()
        jobs.stop()
    }

    /// Counters for `daemon.status` (name → value), read on the loop thread.
    var counters: [String: () -> Int64] {
        let jobs = self.jobs, watch = self.watch
        return [
            "jobProgressReports": { jobs.reportCost.count },
            "jobProgressNanos": { jobs.reportCost.nanos },
            "jobWriteFailures": { jobs.writeFailures },
            "watches": { Int64(watch.count) },
        ]
    }

    /// Runs retention once a day on a utility thread; failures are logged, never fatal.
    private func scheduleDailyRetention(loop: EventLoop, logger: Logger) {
        let gallery = self.gallery
        loop.repeating(everyMs: 24 * 3600 * 1000) {
            DispatchQueue.global(qos: .utility).async {
                do {
                    let r = try gallery.retention(olderThanDays: nil, dryRun: false)
                    if !r.imageIds.isEmpty { logger.notice("retention removed old images", metadata: ["images": .stringConvertible(r.imageIds.count)]) }
                } catch {
                    logger.error("daily retention failed; run gallery.retention to see why", metadata: ["error": .string("\(error)")])
                }
            }
        }
    }
}
