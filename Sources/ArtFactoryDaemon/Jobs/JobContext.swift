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
    private var lastDetail: String?

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

    private var lastPreview: UInt64 = 0
    private var stepsSincePreview = 0

    /// Least time between two previews of one job: with a fast model the previews, not the steps,
    /// would otherwise dominate (see ``report(_:previewEvery:preview:)``).
    static let previewMinIntervalNs: UInt64 = 250_000_000

    /// Reports progress: published as `job.progress` and stored for polling, at most every
    /// `runner.throttleMs` (the last step of each image, the last file and every change of `detail`
    /// (remote jobs: queued → running → waiting for network) always go out).
    ///
    /// With `previewEvery` set, a published report carries `preview()` once at least that many steps
    /// and ``previewMinIntervalNs`` passed since the last preview (the last step of an image needs
    /// only the steps), so previews are made only for reports that go out.
    /// - Throws: `CancellationError` when the job was canceled, so the work stops here.
    func report(_ progress: JobProgress, previewEvery: Int? = nil, preview: (() -> ProgressPreview?)? = nil) throws {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { runner.recordReportCost(DispatchTime.now().uptimeNanoseconds &- now) }
        if isCanceled { throw CancellationError() }
        let last = progress.total.map { progress.done == $0 } ?? (progress.step == progress.totalSteps)
        let due: Bool = lock.withLock {
            stepsSincePreview += 1
            guard now &- lastPublish >= runner.throttleMs * 1_000_000 || last || lastPublish == 0
                    || progress.detail != lastDetail else { return false }
            lastPublish = now
            lastDetail = progress.detail
            return true
        }
        guard due else { return }
        var progress = progress
        if let every = previewEvery, let preview, stepsSincePreview >= every,
           last || lastPreview == 0 || now &- lastPreview >= Self.previewMinIntervalNs {
            progress.preview = preview()
            lastPreview = now
            stepsSincePreview = 0
        }
        runner.publishProgress(job.id, progress)
    }
}
