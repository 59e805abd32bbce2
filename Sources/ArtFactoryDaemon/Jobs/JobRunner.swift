import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation
import Logging

/// Runs queued jobs on lanes: each lane is one worker thread that claims, in claim order (priority,
/// then position), only the job kinds registered on it.
///
/// Two lanes exist: ``Lane/engine`` runs generations and batches strictly one at a time (the
/// engine must not run twice in parallel on this machine); ``Lane/files`` runs gallery imports and
/// exports, so a long import never holds generation up (and a generation never holds an import up).
///
/// The queue is the catalog's `jobs` table, so it survives crashes: at start, jobs left running
/// are re-queued (or failed once they have used their attempts). Pausing is a catalog setting that
/// holds every lane, so it survives restarts too. Progress and state changes go out on the `job`
/// topic; each worker sleeps on a condition that submit, resume and cancel signal.
final class JobRunner: @unchecked Sendable {
    /// Does one job's work; throw to fail it (the message is shown to the user), or
    /// `CancellationError` when ``JobContext/report(_:)`` saw a cancel.
    typealias Executor = @Sendable (JobContext) throws -> Void

    /// A worker thread and the kinds it runs.
    enum Lane: String, CaseIterable, Sendable {
        case engine, files
    }

    static let pausedSetting = "queue.paused"

    let catalog: CatalogDatabase
    let events: EventBus
    let logger: Logger
    /// Minimum milliseconds between two `job.progress` notifications of one job.
    let throttleMs: UInt64
    /// Builds the client view of a job (kind-specific fields such as images).
    var describe: (Job) -> JobInfo = { JobRunner.baseInfo($0) }

    private var executors: [String: (lane: Lane, run: Executor)] = [:]
    private let condition = NSCondition()
    /// Broadcast whenever a job reaches a final state (see ``waitUntilFinished(_:)``).
    private let finished = NSCondition()
    private var paused = false
    private var stopping = false
    private var cancelRequested: Set<String> = []
    private var progressById: [String: JobProgress] = [:]
    private var running: [Lane: String] = [:]
    private var lastPersistNs: [String: UInt64] = [:]
    static let persistIntervalNs: UInt64 = 2_000_000_000
    private var reportCount: Int64 = 0
    private var reportNanos: Int64 = 0

    /// Name of the worker thread.
    let threadName: String

    init(catalog: CatalogDatabase, events: EventBus, logger: Logger, throttleMs: UInt64 = 200, threadName: String = "artfactory-jobs") {
        self.catalog = catalog
        self.events = events
        self.logger = logger
        self.throttleMs = throttleMs
        self.threadName = threadName
    }

    /// Registers the executor for a job kind and the lane that runs it (before ``start()``).
    func register(kind: String, lane: Lane = .engine, _ executor: @escaping Executor) { executors[kind] = (lane, executor) }

    /// Re-queues interrupted jobs (of every kind; only the first runner started does this, before
    /// any worker can claim one), restores the paused flag and starts one worker thread per lane.
    func start(recoverInterrupted: Bool = true) throws {
        if recoverInterrupted {
            let report = try catalog.requeueInterrupted()
            if !report.requeued.isEmpty || !report.failed.isEmpty {
                logger.notice("recovered interrupted jobs", metadata: [
                    "requeued": .stringConvertible(report.requeued.count), "failed": .stringConvertible(report.failed.count),
                ])
            }
        }
        if case .bool(let value)? = try catalog.setting(Self.pausedSetting) { paused = value }
        for lane in Lane.allCases {
            let kinds = executors.filter { $0.value.lane == lane }.map(\.key).sorted()
            guard !kinds.isEmpty else { continue }
            let thread = Thread { [self] in workLoop(lane, kinds: kinds) }
            thread.name = "\(threadName)-\(lane.rawValue)"
            thread.start()
        }
    }

    /// Wakes the workers (a job was queued or resumed).
    func wake() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Stops claiming jobs; running jobs are asked to stop and are re-queued at the next start.
    func stop() {
        condition.lock()
        stopping = true
        for id in running.values { cancelRequested.insert(id) }
        condition.broadcast()
        condition.unlock()
        finished.lock()
        finished.broadcast()
        finished.unlock()
    }

    var isPaused: Bool {
        condition.lock()
        defer { condition.unlock() }
        return paused
    }

    /// Whether a lane is running a job now.
    func isBusy(_ lane: Lane) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return running[lane] != nil
    }

    /// Pauses or resumes the queue (persisted). `announce: false` only follows a change another
    /// runner already persisted and announced (the remote runner follows the engine's).
    func setPaused(_ value: Bool, announce: Bool = true) throws {
        if announce { try catalog.setSetting(Self.pausedSetting, .bool(value)) }
        condition.lock()
        paused = value
        condition.broadcast()
        condition.unlock()
        if announce { events.publish(topic: EventTopic.job, method: value ? "queue.paused" : "queue.resumed", params: ["paused": .bool(value)]) }
    }

    /// Asks this runner's job `id` to stop, if it is running here (the catalog row was already canceled).
    func stopIfRunning(_ id: String) {
        condition.lock()
        if running.values.contains(id) { cancelRequested.insert(id) }
        condition.unlock()
    }

    /// Cancels a job; a running one stops at its next progress report.
    func cancel(_ id: String) throws -> Job {
        let job = try CatalogErrors.map { try catalog.cancelJob(id) }
        condition.lock()
        if running.values.contains(id) { cancelRequested.insert(id) }
        condition.unlock()
        publishState(job)
        signalFinished()
        return job
    }

    func isCancelRequested(_ id: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelRequested.contains(id)
    }

    /// Blocks the calling thread until the job is succeeded, failed or canceled, and returns it.
    /// - Throws: `notFound` for an unknown id; `unavailable` when the daemon stops first (the job
    ///   resumes at the next start).
    func waitUntilFinished(_ id: String) throws -> Job {
        while true {
            let job = try CatalogErrors.map { try catalog.job(id) }
            if job.status.isFinished { return job }
            finished.lock()
            let stop = isStopping
            if !stop { _ = finished.wait(until: Date().addingTimeInterval(1)) }
            finished.unlock()
            if stop {
                throw RPCError(code: RPCErrorCode.unavailable,
                               message: "The daemon is stopping; job \(id) resumes when it starts again (follow it with job.get).")
            }
        }
    }

    private var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    private func signalFinished() {
        finished.lock()
        finished.broadcast()
        finished.unlock()
    }

    /// Live progress of a running job (newer than the stored copy, which is throttled).
    func liveProgress(_ id: String) -> JobProgress? {
        condition.lock()
        defer { condition.unlock() }
        return progressById[id]
    }

    /// Time spent in progress reporting (for `daemon.status` counters and Scripts/bench-queue).
    func recordReportCost(_ nanos: UInt64) {
        condition.lock()
        reportCount += 1
        reportNanos += Int64(nanos)
        condition.unlock()
    }

    /// Progress reports handled and nanoseconds they took, in total.
    var reportCost: (count: Int64, nanos: Int64) {
        condition.lock()
        defer { condition.unlock() }
        return (reportCount, reportNanos)
    }

    /// Publishes progress to subscribers at once; the catalog copy (for polling after a restart) is
    /// written at most every ``persistIntervalNs`` per job, since a database commit costs more than
    /// a notification. `job.get` reads the live copy while the job runs.
    func publishProgress(_ id: String, _ progress: JobProgress) {
        let now = DispatchTime.now().uptimeNanoseconds
        condition.lock()
        progressById[id] = progress
        let persist = now &- (lastPersistNs[id] ?? 0) >= Self.persistIntervalNs
        if persist { lastPersistNs[id] = now }
        condition.unlock()
        if let value = try? JSONValueEncoder().encode(progress) {
            // `{"id": job id, "progress": JobProgress}` on the `job` topic.
            events.publish(topic: EventTopic.job, method: "job.progress", params: .object(JSONObject([("id", .string(id)), ("progress", value)])))
        }
        // The catalog copy never holds a preview (it is only of use while the job runs).
        var stored = progress
        stored.preview = nil
        if persist, let json = try? JSONDecoder().decode(CatalogJSON.self, from: JSONEncoder().encode(stored)) {
            try? catalog.updateJobProgress(id, json)
        }
    }

    /// Writes the job's latest progress to the catalog (the throttled copy may lag), so a finished
    /// job read back with `job.get` shows where it ended.
    private func persistLatestProgress(_ id: String) {
        condition.lock()
        let latest = progressById[id]
        condition.unlock()
        guard var latest else { return }
        latest.preview = nil
        guard let json = try? JSONDecoder().decode(CatalogJSON.self, from: JSONEncoder().encode(latest)) else { return }
        try? catalog.updateJobProgress(id, json)
    }

    func publishState(_ job: Job) {
        guard let value = try? JSONValueEncoder().encode(describe(job)) else { return }
        events.publish(topic: EventTopic.job, method: "job.state", params: value)
    }

    private func workLoop(_ lane: Lane, kinds: [String]) {
        while true {
            condition.lock()
            while paused && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            condition.unlock()
            let job: Job?
            do {
                job = try catalog.claimNext(kinds: kinds)
            } catch {
                logger.error("could not claim a job: \(error)")
                job = nil
            }
            guard let job else {
                condition.lock()
                if !stopping && !paused { _ = condition.wait(until: Date().addingTimeInterval(1)) }
                condition.unlock()
                continue
            }
            run(job, on: lane)
        }
    }

    private func run(_ job: Job, on lane: Lane) {
        condition.lock()
        running[lane] = job.id
        condition.unlock()
        publishState(job)
        let context = JobContext(job: job, runner: self)
        var outcome: Job?
        do {
            guard let executor = executors[job.kind]?.run else { throw RPCError.internalError("no executor for job kind \(job.kind)") }
            try executor(context)
            persistLatestProgress(job.id)
            outcome = try catalog.finishJob(job.id, status: .succeeded, result: context.result)
        } catch is CancellationError {
            // Canceled by job.cancel (already recorded) or interrupted by shutdown (re-queued at next start).
            outcome = try? catalog.job(job.id)
        } catch {
            let rpc = error as? RPCError
            let message = rpc?.message ?? "\(error)"
            logger.warning("job failed", metadata: ["job": .string(job.id), "kind": .string(job.kind), "error": .string(message)])
            persistLatestProgress(job.id)
            outcome = (try? catalog.finishJob(job.id, status: .failed, error: message, errorCode: rpc?.code,
                                              result: context.result))
                ?? (try? catalog.job(job.id))
        }
        condition.lock()
        running[lane] = nil
        cancelRequested.remove(job.id)
        progressById[job.id] = nil
        lastPersistNs[job.id] = nil
        let shuttingDown = stopping
        condition.unlock()
        if let outcome, !(shuttingDown && outcome.status == .running) { publishState(outcome) }
        signalFinished()
    }

    /// The kind-independent fields of a job.
    static func baseInfo(_ job: Job) -> JobInfo {
        var progress: JobProgress?
        if let json = job.progress, let data = try? JSONEncoder().encode(json) {
            progress = try? JSONDecoder().decode(JobProgress.self, from: data)
        }
        var info = JobInfo(id: job.id, kind: job.kind, status: job.status.rawValue, priority: job.priority, attempts: job.attempts,
                           maxAttempts: job.maxAttempts, error: job.error, createdAt: job.createdAt, startedAt: job.startedAt,
                           finishedAt: job.finishedAt, progress: progress)
        info.errorCode = job.errorCode
        if let result = job.result {
            if job.kind == GalleryJobs.importKind { info.importResult = try? GalleryJobs.decode(GalleryImport.Outcome.self, result) }
            if job.kind == GalleryJobs.exportKind { info.exportResult = try? GalleryJobs.decode(GalleryExport.Outcome.self, result) }
        }
        return info
    }
}
