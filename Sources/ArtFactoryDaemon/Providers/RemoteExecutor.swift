import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation
import Logging

/// Runs one `remote` job on the remote worker thread (never the engine's): submits the generation
/// to its provider, polls until it finishes, downloads every image at once (result URLs expire)
/// and stores each through ``GalleryService`` with the same metadata as a local image plus
/// provider, remote id, cost and timings.
///
/// Restart-safe: the submitted request (id and URLs) is saved in the catalog before polling, so
/// after a crash or restart the job polls the same request instead of paying for a second one,
/// and images already stored are not fetched again. While the provider cannot be reached the job
/// shows "waiting for network" and retries with backoff until `offlineTimeoutSeconds`.
struct RemoteExecutor {
    let catalog: CatalogDatabase
    let gallery: GalleryService
    let hub: ProviderHub
    let wildcardsDir: String
    let logger: Logger

    static let steps = 4

    static func handleKey(_ generationId: String) -> String { "remote.request." + generationId }

    func run(_ context: JobContext) throws {
        let spec = try GenerationSpec(catalogJSON: context.job.params)
        try run(spec, context: context, position: .init(done: 0, total: spec.count))
    }

    /// Runs one generation of a job (a `remote` job has one; a `remote-batch` job several).
    func run(_ spec: GenerationSpec, context: JobContext, position: GenerationExecutor.BatchPosition) throws {
        guard let provider = spec.provider, spec.remoteModel != nil else {
            throw RPCError.internalError("job \(context.job.id) has no remote provider")
        }
        var generation = try generationRow(spec.generationId, context: context)
        let stored = try catalog.generationDetail(spec.generationId).assets.filter { $0.role == .output }.count
        if stored >= spec.count {
            if generation.status != .succeeded { generation.status = .succeeded; try catalog.updateGeneration(generation) }
            return
        }
        let started = Date()
        generation.status = .running
        generation.startedAt = generation.startedAt ?? Int64(started.timeIntervalSince1970 * 1000)
        try catalog.updateGeneration(generation)
        do {
            try execute(spec, provider: provider, stored: stored, context: context, position: position)
            generation = try catalog.generation(spec.generationId)
            generation.status = .succeeded
        } catch is CancellationError {
            throw runEnd.stopped(spec.generationId, fallback: generation, context: context)
        } catch {
            if case .remoteFailed? = error as? ProviderError {
                // The provider gave up on this request: a retry submits a new one. (Other failures
                // keep it, so `jobs retry` polls the same request again instead of paying twice.)
                forgetRequest(spec.generationId, context: context)
            }
            let rpc = (error as? ProviderError)?.rpcError ?? (error as? RPCError) ?? RPCError.internalError("\(error)")
            throw runEnd.failed(spec.generationId, fallback: generation, error: rpc, context: context)
        }
        let finished = Date()
        generation.completedAt = Int64(finished.timeIntervalSince1970 * 1000)
        generation.durationMs = Int64(finished.timeIntervalSince(started) * 1000)
        try catalog.updateGeneration(generation)
        forgetRequest(spec.generationId, context: context)
    }

    private var runEnd: GenerationRunEnd { GenerationRunEnd(catalog: catalog, logger: logger) }

    /// Drops the saved provider request of a generation that is done with it. A failed write is
    /// logged: the stale request would only be polled again (and fail or succeed again) on a retry.
    private func forgetRequest(_ generationId: String, context: JobContext) {
        do {
            _ = try catalog.removeSetting(Self.handleKey(generationId))
        } catch {
            logger.error("could not remove a finished provider request; a retry polls it again", metadata: [
                "generation": .string(generationId), "job": .string(context.job.id), "error": .string("\(error)"),
            ])
        }
    }

    private func execute(_ spec: GenerationSpec, provider: String, stored: Int, context: JobContext,
                         position: GenerationExecutor.BatchPosition) throws {
        let client = try hub.client(provider)
        let api = hub.api(provider)
        let stop: () -> Bool = { context.isCanceled }
        let model = spec.remoteModel!.id
        func progress(_ step: Int, _ image: Int, _ detail: String) throws {
            try context.report(JobProgress(step: step, totalSteps: Self.steps, image: position.done + image, images: position.total, detail: detail))
        }
        var job = try savedJob(spec.generationId)
        var phase: RemotePhase?
        if job == nil {
            let input = try makeInput(spec)
            try progress(0, 0, "submitting to \(provider)")
            let submitted = try whenReachable(client, context: context, position: position) { try api.submit(input, client: client, stop: stop) }
            job = submitted.0
            phase = submitted.1
            try save(submitted.0, generationId: spec.generationId)
            logger.notice("remote generation submitted", metadata: [
                "provider": .string(provider), "model": .string(model), "remoteId": .string(submitted.0.id), "generation": .string(spec.generationId),
            ])
        }
        let remote = job!
        let output: RemoteOutput
        do {
            output = try waitForOutput(remote, phase: phase, api: api, client: client, model: model, spec: spec, context: context,
                                       position: position, progress: progress)
        } catch is CancellationError {
            if (try? catalog.job(context.job.id).status) == .canceled {
                // The user canceled: ask the provider to stop too (a shutdown keeps it running, to resume later).
                do { try api.cancel(remote, model: model, client: client, stop: { false }) } catch {
                    logger.warning("the provider did not confirm the cancel", metadata: ["provider": .string(provider), "remoteId": .string(remote.id)])
                }
                forgetRequest(spec.generationId, context: context)
            }
            throw CancellationError()
        }
        guard !output.urls.isEmpty else { throw ProviderError.remoteFailed(provider: provider, detail: "it returned no images") }
        if output.urls.count < spec.count {
            logger.warning("provider returned fewer images than asked", metadata: [
                "provider": .string(provider), "asked": .stringConvertible(spec.count), "got": .stringConvertible(output.urls.count),
            ])
        }
        var generation = try catalog.generation(spec.generationId)
        generation.remoteId = remote.id
        generation.cost = output.cost ?? spec.estimatedCost
        var params = generation.params.objectValue ?? [:]
        if !output.timings.isEmpty { params["timings"] = .object(JSONObject(output.timings.mapValues { .double($0) })) }
        params["remoteId"] = .string(remote.id)
        if let cost = generation.cost { params["cost"] = .double(cost) }
        generation.params = .object(params)
        try catalog.updateGeneration(generation)
        let prompt = try expandedPrompt(spec)
        var urls = output.urls
        for index in stored..<min(spec.count, urls.count) {
            try progress(3, index + 1, "downloading image \(index + 1) of \(min(spec.count, urls.count)) from \(provider)")
            let data = try download(index, urls: &urls, remote: remote, api: api, client: client, model: model, spec: spec, context: context)
            let pixels: PixelBuffer
            do {
                pixels = try ImageDecoder().decode(data, name: "\(provider) image \(index + 1)").pixels.rgb()
            } catch {
                throw ProviderError.malformed(provider: provider, detail: "image \(index + 1) is not a readable PNG, JPEG or WebP")
            }
            var record = generation
            record.prompt = prompt.prompt
            record.negativePrompt = prompt.negativePrompt
            record.seed = (output.seed ?? spec.seed) + Int64(index)
            record.completedAt = Int64(Date().timeIntervalSince1970 * 1000)
            try gallery.storeGenerated(pixels: pixels, generation: record, tags: spec.tags, collectionId: spec.collectionId)
        }
        try progress(Self.steps, min(spec.count, urls.count), "done")
        logger.notice("remote generation stored", metadata: [
            "provider": .string(provider), "remoteId": .string(remote.id), "images": .stringConvertible(min(spec.count, urls.count)),
        ])
    }

    /// Polls until the request finishes; reports queue position and state as progress.
    private func waitForOutput(_ job: RemoteJob, phase first: RemotePhase?, api: any RemoteAPI, client: ProviderClient, model: String,
                               spec: GenerationSpec, context: JobContext, position: GenerationExecutor.BatchPosition,
                               progress: (Int, Int, String) throws -> Void) throws -> RemoteOutput {
        var phase = first
        let provider = client.name
        while true {
            if phase == nil {
                phase = try whenReachable(client, context: context, position: position) {
                    try api.poll(job, model: model, client: client, stop: { context.isCanceled })
                }
            }
            switch phase! {
            case .succeeded(let output): return output
            case .failed(let why): throw ProviderError.remoteFailed(provider: provider, detail: why)
            case .canceled: throw ProviderError.remoteFailed(provider: provider, detail: "the request was canceled at \(provider)")
            case .queued(let position):
                try progress(1, 0, "queued at \(provider)" + (position.map { " (position \($0))" } ?? ""))
            case .running:
                try progress(2, 0, "running at \(provider)")
            }
            try client.pause(client.profile.pollIntervalSeconds, stop: { context.isCanceled })
            phase = nil
        }
    }

    /// Runs `body`, waiting (status "waiting for network") while the provider cannot be reached,
    /// up to the provider's `offlineTimeoutSeconds`.
    private func whenReachable<T>(_ client: ProviderClient, context: JobContext, position: GenerationExecutor.BatchPosition,
                                  _ body: () throws -> T) throws -> T {
        var since: Date?
        var attempt = 0
        while true {
            do {
                return try body()
            } catch ProviderError.unreachable(let provider, let detail) {
                let start = since ?? Date()
                since = start
                let limit = client.profile.offlineTimeoutSeconds
                let waited = Date().timeIntervalSince(start)
                if waited >= limit {
                    throw RPCError(code: RPCErrorCode.unavailable,
                                   message: "\(provider) could not be reached for \(Int(waited.rounded())) s (\(detail)); the job failed. "
                                       + "Retry it with `artfactory jobs retry \(context.job.id)` once the network is back.",
                                   data: ["kind": "unreachable", "provider": .string(provider)])
                }
                if attempt == 0 {
                    logger.warning("provider unreachable; waiting for network", metadata: ["provider": .string(provider), "detail": .string(detail)])
                }
                try context.report(JobProgress(step: 0, totalSteps: Self.steps, image: position.done, images: position.total,
                                               detail: "waiting for network (\(provider): \(detail))"))
                attempt += 1
                try client.pause(min(client.backoff(attempt), max(0.05, limit - waited)), stop: { context.isCanceled })
            }
        }
    }

    /// Fetches image `index`, retrying with backoff; an expired URL (403/404/410) is refreshed
    /// once from the provider's result. Fails with a clear error only after every try.
    private func download(_ index: Int, urls: inout [String], remote: RemoteJob, api: any RemoteAPI, client: ProviderClient, model: String,
                          spec: GenerationSpec, context: JobContext) throws -> Data {
        let tries = client.profile.downloadRetries
        var refreshed = false
        var last = ""
        for attempt in 1...tries {
            if context.isCanceled { throw CancellationError() }
            let text = urls[index]
            if text.hasPrefix("data:") {
                guard let comma = text.firstIndex(of: ","), let data = Data(base64Encoded: String(text[text.index(after: comma)...])) else {
                    throw ProviderError.malformed(provider: client.name, detail: "image \(index + 1) is an unreadable data URI")
                }
                return data
            }
            guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
                throw ProviderError.malformed(provider: client.name, detail: "image \(index + 1) has no usable URL")
            }
            do {
                let response = try client.download(url)
                if (200..<300).contains(response.status), !response.body.isEmpty { return response.body }
                last = "HTTP \(response.status)"
                if [403, 404, 410].contains(response.status), !refreshed {
                    refreshed = true
                    if case .succeeded(let fresh)? = try? api.poll(remote, model: model, client: client, stop: { context.isCanceled }),
                       index < fresh.urls.count {
                        logger.notice("result URL expired; fetched a fresh one", metadata: ["provider": .string(client.name), "remoteId": .string(remote.id)])
                        urls = fresh.urls
                        continue
                    }
                }
            } catch ProviderError.unreachable(_, let detail) {
                last = detail
            }
            logger.warning("result download failed", metadata: [
                "provider": .string(client.name), "remoteId": .string(remote.id), "image": .stringConvertible(index + 1),
                "attempt": .stringConvertible(attempt), "error": .string(last),
            ])
            if attempt < tries { try client.pause(client.backoff(attempt), stop: { context.isCanceled }) }
        }
        throw RPCError(code: RPCErrorCode.unavailable,
                       message: "Image \(index + 1) could not be downloaded from \(client.name) after \(tries) tries (last: \(last)); "
                           + "the result URL may have expired. The \(client.name) request id is \(remote.id).",
                       data: ["kind": "downloadFailed", "provider": .string(client.name)])
    }

    /// The request as the provider gets it: prompt expanded once (one request makes every image)
    /// and the style profile applied; source and mask as data URIs.
    private func makeInput(_ spec: GenerationSpec) throws -> RemoteInput {
        let prompt = try expandedPrompt(spec)
        return RemoteInput(model: spec.remoteModel!, prompt: prompt.prompt, negativePrompt: prompt.negativePrompt, width: spec.width,
                           height: spec.height, steps: spec.steps, guidance: spec.guidance, seed: spec.seed, count: spec.count,
                           sampler: spec.sampler, image: try spec.source.map(dataURI), mask: try spec.mask.map(dataURI),
                           strength: spec.source == nil ? nil : (spec.strength ?? 0.8), extra: spec.remoteParams ?? [:])
    }

    private func expandedPrompt(_ spec: GenerationSpec) throws -> (prompt: String, negativePrompt: String) {
        let expander = PromptExpander(wildcards: FolderWildcardSource(root: URL(fileURLWithPath: wildcardsDir)))
        let expanded = try expander.randomPrompt(spec.prompt, seed: UInt64(spec.seed), index: 0)
        let enhanced = try PromptEnhancer.apply(prompt: expanded, negativePrompt: spec.negativePrompt,
                                                enhancement: PromptEnhancement(profile: spec.profile, profileEnabled: spec.profile != nil))
        return (enhanced.prompt, enhanced.negativePrompt)
    }

    private func dataURI(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RPCError(code: RPCErrorCode.invalidFile, message: "\(path) cannot be read any more; queue the generation again.", data: ["kind": "invalidFile"])
        }
        let bytes = [UInt8](data.prefix(12))
        let mime: String
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { mime = "image/png" } else if bytes.starts(with: [0xFF, 0xD8]) { mime = "image/jpeg" } else { mime = "image/webp" }
        return "data:\(mime);base64," + data.base64EncodedString()
    }

    /// The generation row. `submit` queues the job before it inserts the row, and an idle worker
    /// can claim the job in between: wait a little for the row rather than fail the job.
    private func generationRow(_ id: String, context: JobContext) throws -> Generation {
        let deadline = Date().addingTimeInterval(10)
        while true {
            do {
                return try catalog.generation(id)
            } catch let e as CatalogError where e.code == .notFound && Date() < deadline {
                if context.isCanceled { throw CancellationError() }
                usleep(20_000)
            }
        }
    }

    private func savedJob(_ generationId: String) throws -> RemoteJob? {
        guard let json = try catalog.setting(Self.handleKey(generationId)) else { return nil }
        return try? JSONValueDecoder().decode(RemoteJob.self, from: json)
    }

    private func save(_ job: RemoteJob, generationId: String) throws {
        let json = try JSONValueEncoder().encode(job)
        try catalog.setSetting(Self.handleKey(generationId), json)
        var generation = try catalog.generation(generationId)
        generation.remoteId = job.id
        try catalog.updateGeneration(generation)
    }
}
