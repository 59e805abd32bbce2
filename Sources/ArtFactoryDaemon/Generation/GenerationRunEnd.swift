import ArtFactoryCatalog
import ArtFactoryProtocol
import Logging

/// How an executor (local or remote) records a generation's run that ended early: canceled by the
/// user, interrupted by shutdown, or failed. A catalog write that fails here is never dropped: it
/// is logged with the generation and job ids, and on the failure path it is added to the error the
/// job fails with (so `job.get` shows it).
struct GenerationRunEnd {
    let catalog: CatalogDatabase
    let logger: Logger

    /// Canceled by `job.cancel` → the generation is `canceled`; interrupted by shutdown → `queued`
    /// (the job resumes at the next start). Returns the `CancellationError` to rethrow.
    func stopped(_ generationId: String, fallback: Generation, context: JobContext) -> CancellationError {
        var generation = (try? catalog.generation(generationId)) ?? fallback
        let canceled = context.isCanceled && (try? catalog.job(context.job.id).status) == .canceled
        generation.status = canceled ? .canceled : .queued
        do {
            try catalog.updateGeneration(generation)
        } catch {
            logger.error("could not record a stopped generation; it shows its earlier status until the job runs again or is retried",
                         metadata: ["generation": .string(generationId), "job": .string(context.job.id),
                                    "status": .string(generation.status.rawValue), "error": .string("\(error)")])
        }
        return CancellationError()
    }

    /// Marks the generation failed with `error`'s message and returns the error to throw: `error`
    /// itself, or, when the generation's row cannot be written, an error that says so too.
    func failed(_ generationId: String, fallback: Generation, error: any Error, context: JobContext) -> any Error {
        let rpc = error as? RPCError
        var generation = (try? catalog.generation(generationId)) ?? fallback
        generation.status = .failed
        generation.error = rpc?.message ?? "\(error)"
        do {
            try catalog.updateGeneration(generation)
            return error
        } catch let writeError {
            logger.error("could not record a failed generation", metadata: [
                "generation": .string(generationId), "job": .string(context.job.id), "error": .string("\(writeError)"),
            ])
            return RPCError(code: rpc?.code ?? RPCErrorCode.internalError,
                            message: (generation.error ?? "") + " (The generation's record could not be marked failed either: \(writeError); run gallery.fsck once the catalog is writable.)",
                            data: rpc?.data)
        }
    }
}
