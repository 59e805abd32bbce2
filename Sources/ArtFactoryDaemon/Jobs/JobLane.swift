/// A worker thread of the ``JobRunner`` and the job kinds that run on it, one job at a time
/// unless the lane was given a width (``JobRunner/setWidth(_:_:)``: the remote lane runs as many
/// jobs at once as the self-hosted server pools can take).
///
/// Lanes exist so that work which must not share a thread does not wait on other work: the engine
/// runs one generation at a time, imports and exports mostly wait on files, remote jobs mostly wait
/// on the network. A new lane is one `static let` here (or in the file that needs it); the runner
/// starts one thread for each lane that some registered ``JobKind`` uses.
struct JobLane: Hashable, Sendable, CustomStringConvertible {
    let name: String

    init(_ name: String) { self.name = name }

    /// Local generations and batches: the engine must not run twice in parallel on this machine.
    static let engine = JobLane("engine")
    /// Gallery imports and exports, so a long import never holds a generation up (or the reverse).
    static let files = JobLane("files")
    /// Generations on a provider's servers: waiting on the network never holds the engine.
    static let remote = JobLane("remote")

    var description: String { name }
}
