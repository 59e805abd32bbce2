import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// What a running job's executor sees: the job, and a way to report progress that also tells it
/// when to stop. Used only on the runner's worker thread.
final class JobContext: @unchecked Sendable {
    let job: Job
    private let runner: JobRunner
    private var lastPublish: UInt64 = 0
    private var lastDetail: String?

    init(job: Job, runner: JobRunner) {
        self.job = job
        self.runner = runner
    }

    /// Whether `job.cancel` (or shutdown) asked this job to stop.
    var isCanceled: Bool { runner.isCancelRequested(job.id) }

    /// Reports progress: published as `job.progress` and stored for polling, at most every
    /// `runner.throttleMs` (the last step of each image and every change of `detail` always go out).
    /// - Throws: `CancellationError` when the job was canceled, so the engine stops at this step.
    func report(_ progress: JobProgress) throws {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { runner.recordReportCost(DispatchTime.now().uptimeNanoseconds &- now) }
        if isCanceled { throw CancellationError() }
        // A new detail (remote jobs: queued → running → waiting for network) always goes out.
        let due = now &- lastPublish >= runner.throttleMs * 1_000_000 || progress.step == progress.totalSteps || lastPublish == 0
            || progress.detail != lastDetail
        guard due else { return }
        lastPublish = now
        lastDetail = progress.detail
        runner.publishProgress(job.id, progress)
    }
}
