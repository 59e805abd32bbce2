import ArtFactoryCatalog
import ArtFactoryProtocol

/// Everything the ``JobRunner`` knows about one kind of job (the `kind` column of the `jobs`
/// table), declared in one place: the lane that runs it, the executor that does the work, what it
/// adds to the client's view of a job, and what happens to it when the daemon stopped while it ran.
///
/// The service that owns the work builds its kinds (``GenerationService/jobKinds``,
/// ``GalleryJobs/jobKinds``) and the composition root (``DaemonServices``) registers them before the
/// runner starts. A kind name is registered once.
struct JobKind: Sendable {
    /// Does one job's work; throw to fail it (the message is shown to the user), or
    /// `CancellationError` when ``JobContext/report(_:previewEvery:preview:)`` saw a cancel.
    typealias Executor = @Sendable (JobContext) throws -> Void
    /// Adds the kind's own fields (images, import outcome, …) to the kind-independent view of a job.
    typealias Describer = @Sendable (Job, inout JobInfo) -> Void

    /// What start-up does with a job of this kind that was left `running` (the daemon stopped or
    /// crashed while it ran).
    enum Recovery: Sendable {
        /// Back to `queued` at its old place, until it has used its attempts; then `failed`.
        case requeue
        /// `failed` at once: for work that must not run twice without the user asking (retry).
        case fail
    }

    let name: String
    let lane: JobLane
    let recovery: Recovery
    let execute: Executor
    let describe: Describer

    init(_ name: String, lane: JobLane, recovery: Recovery = .requeue, describe: @escaping Describer = { _, _ in },
         execute: @escaping Executor) {
        self.name = name
        self.lane = lane
        self.recovery = recovery
        self.describe = describe
        self.execute = execute
    }
}
