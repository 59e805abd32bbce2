import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// `gallery.import` and `gallery.export` as jobs (kinds `import`, `export`) on the runner's file
/// lane: submission checks what is cheap to check and queues the job; the executors do the work,
/// report `done/total` files and stop at the next file on `job.cancel`.
///
/// Why a lane of their own rather than the engine's one worker: an import of thousands of images
/// takes minutes and mostly decodes, hashes and writes files; queued behind (or ahead of)
/// generations it would hold the engine idle or be held for the length of a batch. On their own
/// lane the two overlap; the file workers run at a lower priority (``FileWorkers``) so a
/// generation keeps most of the CPU when both run.
struct GalleryJobs {
    static let importKind = "import"
    static let exportKind = "export"

    let gallery: GalleryService
    let runner: JobRunner

    private var clientPaths: ClientPath { ClientPath(daemonHome: gallery.paths.home) }

    /// The `import` and `export` kinds, on the file lane; registered by ``DaemonServices``.
    var jobKinds: [JobKind] {
        let gallery = self.gallery, clientPaths = self.clientPaths
        let importKind = JobKind(Self.importKind, lane: .files, describe: { job, info in
            if let result = job.result { info.importResult = try? Self.decode(GalleryImport.Outcome.self, result) }
        }) { context in
            let params = try Self.decode(GalleryImport.Params.self, context.job.params)
            let progress = Self.progress(context)
            let outcome = try GalleryError.mapped {
                if params.paths.count == 1, let only = params.paths.first, GalleryRestorer.isExport(only) {
                    return try GalleryRestorer(gallery: gallery).run(only, jobId: context.job.id, progress: progress)
                }
                return try GalleryImporter(gallery: gallery, clientPaths: clientPaths).run(params, progress: progress)
            }
            context.result = try Self.encode(outcome)
        }
        let exportKind = JobKind(Self.exportKind, lane: .files, describe: { job, info in
            if let result = job.result { info.exportResult = try? Self.decode(GalleryExport.Outcome.self, result) }
        }) { context in
            let params = try Self.decode(GalleryExport.Params.self, context.job.params)
            let outcome = try GalleryError.mapped {
                try GalleryExporter(gallery: gallery, clientPaths: clientPaths).run(params, jobId: context.job.id, progress: Self.progress(context))
            }
            context.result = try Self.encode(outcome)
        }
        return [importKind, exportKind]
    }

    /// Checks the paths and project, queues the import and returns the job (finished, with `wait`).
    func submitImport(_ params: GalleryImport.Params) throws -> JobInfo {
        let job: Job = try GalleryError.mapped {
            guard !params.paths.isEmpty else { throw RPCError.invalidParams("Pass at least one file or folder in paths.", field: "paths") }
            guard params.paths.count <= GalleryImporter.maxFiles else {
                throw RPCError(code: RPCErrorCode.limitExceeded, message: "More than \(GalleryImporter.maxFiles) paths; import in smaller batches.")
            }
            if let projectId = params.projectId { _ = try gallery.catalog.project(projectId) }
            if let tags = params.tags, tags.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw RPCError.invalidParams("Tags must not be empty.", field: "tags")
            }
            let resolved = try params.paths.map { try clientPaths.existing($0, what: "Import source") }
            let stored = GalleryImport.Params(paths: resolved, projectId: params.projectId, tags: params.tags, strip: params.strip,
                                              skipInvalid: params.skipInvalid)
            return try gallery.catalog.enqueue(kind: Self.importKind, params: try Self.encode(stored))
        }
        return try queued(job, wait: params.wait ?? false)
    }

    /// Checks the destination, format and ids, queues the export and returns the job (finished, with `wait`).
    func submitExport(_ params: GalleryExport.Params) throws -> JobInfo {
        let job: Job = try GalleryError.mapped {
            let checked = try GalleryExporter(gallery: gallery, clientPaths: clientPaths).validate(params)
            return try gallery.catalog.enqueue(kind: Self.exportKind, params: try Self.encode(checked))
        }
        return try queued(job, wait: params.wait ?? false)
    }

    private func queued(_ job: Job, wait: Bool) throws -> JobInfo {
        runner.queued(job)
        guard wait else { return runner.describe(job) }
        let finished = try runner.waitUntilFinished(job.id)
        if finished.status == .failed {
            throw RPCError(code: finished.errorCode ?? RPCErrorCode.internalError, message: finished.error ?? "The job failed.",
                           data: ["jobId": .string(job.id)])
        }
        return runner.describe(finished)
    }

    /// File progress → `job.progress`; throws `CancellationError` once the job was canceled.
    private static func progress(_ context: JobContext) -> GalleryImporter.Progress {
        { done, total, eta, phase in try context.report(JobProgress(files: done, of: total, etaSeconds: eta, phase: phase)) }
    }

    static func encode<T: Encodable>(_ value: T) throws -> CatalogJSON {
        try JSONValueEncoder().encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: CatalogJSON?) throws -> T {
        guard let json else { throw RPCError.internalError("the job has no stored parameters") }
        return try JSONValueDecoder().decode(T.self, from: json)
    }
}
