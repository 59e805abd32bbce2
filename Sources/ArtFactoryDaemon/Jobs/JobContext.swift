import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// What a running job's executor sees: the job, a way to report progress that also tells it when
/// to stop, and a slot for what it produced. Thread-safe: an executor may report from its own
/// worker threads (the importer does).
final class JobContext: @unchecked Sendable {
    let job: Job
    private let runner: JobRunner
    private let lock = NSLock()
    private var lastPublish: UInt64 = 0
    private var storedResult: CatalogJSON?

    init(job: Job, runner: JobRunner) {
        self.job = job
        self.runner = runner
    }

    /// Whether `job.cancel` (or shutdown) asked this job to stop.
    var isCanceled: Bool { runner.isCancelRequested(job.id) }

    /// What the job produced, stored with it when it finishes (succeeded or failed).
    var result: CatalogJSON? {
        get { lock.withLock { storedResult } }
        set { lock.withLock { storedResult = newValue } }
    }

    /// Reports progress: published as `job.progress` and stored for polling, at most every
    /// `runner.throttleMs` (the last step of each image, and the last file, always go out).
    /// - Throws: `CancellationError` when the job was canceled, so the work stops here.
    func report(_ progress: JobProgress) throws {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { runner.recordReportCost(DispatchTime.now().uptimeNanoseconds &- now) }
        if isCanceled { throw CancellationError() }
        let boundary = progress.total.map { progress.done == $0 } ?? (progress.step == progress.totalSteps)
        let due: Bool = lock.withLock {
            guard now &- lastPublish >= runner.throttleMs * 1_000_000 || boundary || lastPublish == 0 else { return false }
            lastPublish = now
            return true
        }
        guard due else { return }
        runner.publishProgress(job.id, progress)
    }
}
