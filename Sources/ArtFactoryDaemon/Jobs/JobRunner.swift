import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation
import Logging

/// The daemon's one job runner: runs queued jobs on lanes (``JobLane``), each lane one worker
/// thread that claims, in claim order (priority, then position), only the kinds registered on it.
///
/// What each kind is (lane, executor, describer, recovery rule) is declared by a ``JobKind``,
/// registered before ``start()`` by the composition root (``DaemonServices``). Today's lanes:
/// ``JobLane/engine`` runs generations and batches strictly one at a time; ``JobLane/files`` runs
/// gallery imports and exports; ``JobLane/remote`` runs generations on providers' servers.
///
/// The queue is the catalog's `jobs` table, so it survives crashes: at start, jobs left running
/// are recovered by their kind's rule (re-queued, or failed once they have used their attempts).
/// Cancel, retry, pause and the client view of a job all go through this one runner. Pausing is a
/// catalog setting that holds every lane, so it survives restarts too. Progress and state changes
/// go out on the `job` topic; each worker sleeps on a condition that submit, resume and cancel
/// signal.
final class JobRunner: @unchecked Sendable {
    static let pausedSetting = "queue.paused"

    let catalog: CatalogDatabase
    let events: EventBus
    let logger: Logger
    /// Minimum milliseconds between two `job.progress` notifications of one job.
    let throttleMs: UInt64

    /// The registered kinds by name; only written before ``start()``.
    private var kinds: [String: JobKind] = [:]
    private var started = false
    private let condition = NSCondition()
    /// Broadcast whenever a job reaches a final state (see ``waitUntilFinished(_:)``).
    private let finished = NSCondition()
    private var paused = false
    private var stopping = false
    private var cancelRequested: Set<String> = []
    private var progressById: [String: JobProgress] = [:]
    /// Running jobs: id → the lane running it.
    private var running: [String: JobLane] = [:]
    /// Lanes that may run more than one job at once: how many, asked each time one is claimed
    /// (the answer may change with a config reload). Lanes not listed run one at a time.
    private var widths: [JobLane: @Sendable () -> Int] = [:]
    private var lastPersistNs: [String: UInt64] = [:]
    static let persistIntervalNs: UInt64 = 2_000_000_000
    private var reportCount: Int64 = 0
    private var reportNanos: Int64 = 0
    /// Outcomes of finished jobs that the catalog refused to record (read-only file, full disk, …),
    /// written again on every worker turn until they are stored; meanwhile ``describe(_:)`` and
    /// ``waitUntilFinished(_:)`` show them. Should the daemon stop first, the row still says
    /// `running` and the next start recovers the job by its kind's rule: nothing is lost.
    private var unrecorded: [String: Ending] = [:]
    /// Catalog writes of the runner that failed (finishing, progress), for `daemon.status`.
    private var writeFailureCount: Int64 = 0

    /// How a job ended, as recorded (or still to be recorded) in the catalog.
    private struct Ending {
        var status: JobStatus
        var error: String?
        var errorCode: Int?
        var result: CatalogJSON?
        var finishedAt: Int64
        /// Why the catalog refused it, while it is not recorded.
        var writeError: String?
    }

    /// Prefix of the worker threads' names (`artfactory-jobs-engine`, …).
    let threadName: String

    init(catalog: CatalogDatabase, events: EventBus, logger: Logger, throttleMs: UInt64 = 200, threadName: String = "artfactory-jobs") {
        self.catalog = catalog
        self.events = events
        self.logger = logger
        self.throttleMs = throttleMs
        self.threadName = threadName
    }

    /// Registers job kinds (before ``start()``). Registering a name twice is a programming error.
    func register(_ new: [JobKind]) {
        precondition(!started, "job kinds are registered before the runner starts")
        for kind in new {
            precondition(kinds[kind.name] == nil, "job kind \(kind.name) registered twice")
            kinds[kind.name] = kind
        }
    }

    /// Lets `lane` run up to `width()` jobs at once (before ``start()``): each job beyond the first
    /// runs on a thread of its own, claimed in the same order as always.
    func setWidth(_ lane: JobLane, _ width: @escaping @Sendable () -> Int) {
        precondition(!started, "lane widths are set before the runner starts")
        widths[lane] = width
    }

    /// The registered kind names, sorted.
    var kindNames: [String] { kinds.keys.sorted() }

    /// Recovers interrupted jobs by their kinds' rules (before any worker can claim one), restores
    /// the paused flag and starts one worker thread per lane in use.
    func start() throws {
        precondition(!started, "the job runner starts once")
        started = true
        let failing = Set(kinds.values.filter { $0.recovery == .fail }.map(\.name))
        let report = try catalog.requeueInterrupted(failing: failing)
        if !report.requeued.isEmpty || !report.failed.isEmpty {
            logger.notice("recovered interrupted jobs", metadata: [
                "requeued": .stringConvertible(report.requeued.count), "failed": .stringConvertible(report.failed.count),
            ])
        }
        if case .bool(let value)? = try catalog.setting(Self.pausedSetting) { paused = value }
        let lanes = Dictionary(grouping: kinds.values, by: \.lane)
        for (lane, members) in lanes.sorted(by: { $0.key.name < $1.key.name }) {
            let names = members.map(\.name).sorted()
            let thread = Thread { [self] in workLoop(lane, kinds: names) }
            thread.name = "\(threadName)-\(lane.name)"
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
    /// Outcomes not yet recorded get one more try.
    func stop() {
        recordPending()
        condition.lock()
        stopping = true
        for id in running.keys { cancelRequested.insert(id) }
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

    /// Pauses or resumes every lane (persisted, announced on the `job` topic). A running job
    /// finishes; nothing new is claimed while paused.
    func setPaused(_ value: Bool) throws {
        try catalog.setSetting(Self.pausedSetting, .bool(value))
        condition.lock()
        paused = value
        condition.broadcast()
        condition.unlock()
        events.publish(topic: EventTopic.job, method: value ? "queue.paused" : "queue.resumed", params: ["paused": .bool(value)])
    }

    /// Cancels a job on whichever lane holds it; a running one stops at its next progress report.
    func cancel(_ id: String) throws -> Job {
        let job = try CatalogErrors.map { try catalog.cancelJob(id) }
        condition.lock()
        if running[id] != nil { cancelRequested.insert(id) }
        condition.unlock()
        publishState(job)
        signalFinished()
        return job
    }

    /// Queues a failed or canceled job again (at the end, with fresh attempts) and wakes the lanes.
    func retry(_ id: String) throws -> Job {
        let job = try CatalogErrors.map { try catalog.retryJob(id) }
        publishState(job)
        wake()
        return job
    }

    /// A job was queued outside ``retry(_:)``: announce it and wake the lanes.
    func queued(_ job: Job) {
        publishState(job)
        wake()
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
            let job = overlaid(try CatalogErrors.map { try catalog.job(id) })
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
        if persist { storeProgress(id, progress) }
    }

    /// Writes the job's latest progress to the catalog (the throttled copy may lag), so a finished
    /// job read back with `job.get` shows where it ended.
    private func persistLatestProgress(_ id: String) {
        condition.lock()
        let latest = progressById[id]
        condition.unlock()
        if let latest { storeProgress(id, latest) }
    }

    /// Stores a progress report (without its preview). A job that is no longer running (canceled
    /// meanwhile) has no progress to keep; any other failure is logged with the job id and counted:
    /// the live copy stays right, only a poll after a restart would see older progress.
    private func storeProgress(_ id: String, _ progress: JobProgress) {
        var stored = progress
        stored.preview = nil
        do {
            let json = try JSONValueEncoder().encode(stored)
            try catalog.updateJobProgress(id, json)
        } catch let error as CatalogError where error.code == .conflict {
            return
        } catch {
            countWriteFailure()
            logger.error("could not store a job's progress", metadata: ["job": .string(id), "error": .string("\(error)")])
        }
    }

    private func countWriteFailure() {
        condition.lock()
        writeFailureCount += 1
        condition.unlock()
    }

    /// Catalog writes of the runner that failed since start (finishing jobs, storing progress).
    var writeFailures: Int64 {
        condition.lock()
        defer { condition.unlock() }
        return writeFailureCount
    }

    /// The client view of a job: the kind-independent fields, the live progress while it runs,
    /// and what its kind adds.
    func describe(_ job: Job) -> JobInfo {
        let job = overlaid(job)
        var info = Self.baseInfo(job)
        if let live = liveProgress(job.id) { info.progress = live }
        kinds[job.kind]?.describe(job, &info)
        return info
    }

    func publishState(_ job: Job) {
        guard let value = try? JSONValueEncoder().encode(describe(job)) else { return }
        events.publish(topic: EventTopic.job, method: "job.state", params: value)
    }

    private func workLoop(_ lane: JobLane, kinds: [String]) {
        let width = widths[lane]
        while true {
            condition.lock()
            while paused && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            if let width {
                // A wide lane claims only while it has room; a finishing job signals.
                let busy = running.values.filter { $0 == lane }.count
                if busy >= max(1, width()) {
                    _ = condition.wait(until: Date().addingTimeInterval(1))
                    condition.unlock()
                    continue
                }
            }
            condition.unlock()
            recordPending()
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
            if width == nil {
                run(job, on: lane)
                continue
            }
            // Counted as running before the next claim, then run beside the others.
            condition.lock()
            running[job.id] = lane
            condition.unlock()
            let thread = Thread { [self] in run(job, on: lane) }
            thread.name = "\(threadName)-\(lane.name)"
            thread.start()
        }
    }

    private func run(_ job: Job, on lane: JobLane) {
        condition.lock()
        running[job.id] = lane
        condition.unlock()
        publishState(job)
        let context = JobContext(job: job, runner: self)
        var outcome: Job?
        do {
            guard let executor = kinds[job.kind]?.execute else { throw RPCError.internalError("no executor for job kind \(job.kind)") }
            try executor(context)
            persistLatestProgress(job.id)
            outcome = finish(job, Ending(status: .succeeded, result: context.result, finishedAt: CatalogClock.now()))
        } catch is CancellationError {
            // Canceled by job.cancel (already recorded) or interrupted by shutdown (re-queued at next start).
            outcome = readBack(job.id)
        } catch {
            let rpc = error as? RPCError
            let message = rpc?.message ?? "\(error)"
            logger.warning("job failed", metadata: ["job": .string(job.id), "kind": .string(job.kind), "error": .string(message)])
            persistLatestProgress(job.id)
            outcome = finish(job, Ending(status: .failed, error: message, errorCode: rpc?.code, result: context.result, finishedAt: CatalogClock.now()))
        }
        condition.lock()
        running[job.id] = nil
        condition.broadcast()
        cancelRequested.remove(job.id)
        progressById[job.id] = nil
        lastPersistNs[job.id] = nil
        let shuttingDown = stopping
        condition.unlock()
        if let outcome, !(shuttingDown && outcome.status == .running) { publishState(outcome) }
        signalFinished()
    }

    /// Records how a job ended. A job no longer running (canceled meanwhile) keeps the state it has;
    /// when the catalog refuses the write, the outcome is kept in ``unrecorded`` and written again
    /// on every worker turn (logged with the job id; `job.get` shows the outcome and why it is not
    /// stored yet).
    private func finish(_ job: Job, _ ending: Ending) -> Job? {
        do {
            return try catalog.finishJob(job.id, status: ending.status, error: ending.error, errorCode: ending.errorCode, result: ending.result)
        } catch let error as CatalogError where error.code == .conflict {
            return readBack(job.id)
        } catch {
            countWriteFailure()
            logger.error("could not record a finished job; keeping its outcome and writing it again until the catalog takes it", metadata: [
                "job": .string(job.id), "kind": .string(job.kind), "status": .string(ending.status.rawValue), "error": .string("\(error)"),
            ])
            var pending = ending
            pending.writeError = "\(error)"
            condition.lock()
            unrecorded[job.id] = pending
            condition.unlock()
            return overlaid(job)
        }
    }

    /// Writes the outcomes the catalog refused before; each one recorded is announced.
    private func recordPending() {
        condition.lock()
        let pending = unrecorded
        condition.unlock()
        for (id, ending) in pending.sorted(by: { $0.key < $1.key }) {
            let recorded: Job
            do {
                recorded = try catalog.finishJob(id, status: ending.status, error: ending.error, errorCode: ending.errorCode, result: ending.result)
            } catch let error as CatalogError where error.code == .conflict || error.code == .notFound {
                // No longer running: it was canceled (or deleted) since; that state stands.
                logger.notice("a job's unrecorded outcome was overtaken", metadata: ["job": .string(id), "error": .string("\(error)")])
                condition.lock()
                unrecorded[id] = nil
                condition.unlock()
                continue
            } catch {
                continue
            }
            condition.lock()
            unrecorded[id] = nil
            condition.unlock()
            logger.notice("recorded a job's outcome the catalog had refused", metadata: ["job": .string(id), "status": .string(ending.status.rawValue)])
            publishState(recorded)
            signalFinished()
        }
    }

    /// The job as its outcome says, when that outcome is not recorded yet.
    private func overlaid(_ job: Job) -> Job {
        condition.lock()
        let pending = unrecorded[job.id]
        condition.unlock()
        guard let pending, job.status == .running else { return job }
        var shown = job
        shown.status = pending.status
        shown.finishedAt = pending.finishedAt
        shown.errorCode = pending.errorCode
        shown.result = pending.result ?? job.result
        let note = "The catalog did not take this job's outcome (\(pending.writeError ?? "unknown error")); the daemon keeps trying, "
            + "and runs the job again at its next start if it still cannot."
        shown.error = pending.error.map { "\($0) \(note)" } ?? note
        return shown
    }

    /// The job as stored, after its executor stopped; nil (logged) when even that read fails.
    private func readBack(_ id: String) -> Job? {
        do {
            return try catalog.job(id)
        } catch {
            logger.error("could not read a job back after it stopped", metadata: ["job": .string(id), "error": .string("\(error)")])
            return nil
        }
    }

    /// The kind-independent fields of a job.
    static func baseInfo(_ job: Job) -> JobInfo {
        let progress = job.progress.flatMap { try? JSONValueDecoder().decode(JobProgress.self, from: $0) }
        var info = JobInfo(id: job.id, kind: job.kind, status: job.status.rawValue, priority: job.priority, attempts: job.attempts,
                           maxAttempts: job.maxAttempts, error: job.error, createdAt: job.createdAt, startedAt: job.startedAt,
                           finishedAt: job.finishedAt, progress: progress)
        info.errorCode = job.errorCode
        return info
    }
}
