import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation
import Logging

/// Makes one generation's images on a pool of self-hosted servers (called by the
/// ``RemoteExecutor`` for `comfyui:`, `a1111:` and `sdcpp:` models). Each image is one job on one
/// server: up to the pool's free slots run at once, each on the least-loaded reachable server that
/// has the model (and the LoRAs asked for). A server that fails or vanishes mid-image is marked
/// down and the image is sent to another (at most `serverRetries` times).
///
/// Storing is off the servers' path: the thread that got an image hands it to a store task and
/// takes the next image at once, so a server is never idle while images are encoded and written.
/// Stores run concurrently (the catalog serialises its own writes); each stores its image through
/// ``GalleryService/storeGenerated`` with the server, its job id and timings, and the server's own
/// PNG text chunks (ComfyUI `prompt`/`workflow`), and lists it in the generation's `servers`
/// parameter (image number, server, remote id, timings) in the same transaction that adds the
/// image. So a restart or retry makes only the missing images, and a crash at any moment neither
/// loses a stored image's record nor stores an image twice.
struct ServerExecutor {
    let catalog: CatalogDatabase
    let gallery: GalleryService
    let pool: ServerPool
    let logger: Logger

    /// What an image thread came back with.
    private enum Made {
        case image(index: Int, server: String, result: ServerResult)
        case failed(index: Int, error: ServerError)
    }

    /// An image stored (or failed for good: on its server, or while storing).
    private enum Outcome {
        case stored(index: Int)
        case failed(index: Int, error: any Error)
    }

    /// Live state shared by the image threads, the store tasks and the job thread.
    private final class Shared: @unchecked Sendable {
        let lock = NSCondition()
        var next = 0
        var outcomes: [Outcome] = []
        var progress: [Int: (server: String, p: ServerProgress)] = [:]
        var preview: Data?
        var stop = false
        var running = 0
        /// Store tasks not finished yet.
        var storing = 0
    }

    func execute(_ spec: GenerationSpec, kind: String, prompt: (prompt: String, negativePrompt: String), context: JobContext,
                 position: GenerationExecutor.BatchPosition) throws {
        guard let model = spec.remoteModel?.id else { throw RPCError.internalError("job \(context.job.id) has no server model") }
        var done = Set(try catalog.generation(spec.generationId).params.objectValue.map(Self.storedIndices) ?? [])
        let todo = (0..<spec.count).filter { !done.contains($0) }
        guard !todo.isEmpty else { return }
        let profile = pool.profile(kind)
        var extra = spec.remoteParams ?? [:]
        var workflow: ComfyWorkflow?
        if let name = extra.removeValue(forKey: "workflow")?.stringValue {
            guard let settings = profile.workflows[name] else {
                throw RPCError.invalidParams("no workflow '\(name)' is registered; add it to providers.comfyui.workflows in config.json", field: "params")
            }
            workflow = try ComfyWorkflow.load(name: name, settings: settings, directory: pool.configDirectory)
        }
        // LoRAs: the request's and the brand's, then the expanded prompt's tags (taken out of the
        // text: each server gets them its own way).
        let (text, tags) = try Self.loraTags(prompt.prompt)
        let loras = spec.loras(forPromptTags: tags).map { ServerLoRA(name: $0.name, weight: $0.weight) }
        if workflow != nil, !loras.isEmpty {
            throw RPCError.invalidParams("a registered workflow takes no LoRAs; put LoraLoader nodes into the workflow file instead", field: "loras")
        }
        let image = try spec.source.map(read)
        let mask = try spec.mask.map(read)
        let base = ServerTask(checkpoint: model, prompt: text, negativePrompt: prompt.negativePrompt, width: spec.width,
                              height: spec.height, steps: spec.steps, guidance: spec.guidance, seed: spec.seed, sampler: spec.sampler,
                              image: image, mask: mask, strength: spec.source == nil ? nil : (spec.strength ?? 0.8), extra: extra,
                              workflow: workflow, loras: loras)
        let shared = Shared()
        let capacity = max(1, pool.servers(kind).reduce(0) { $0 + $1.maxConcurrent })
        let api = ServerPool.api(kind)
        let stopAll: @Sendable () -> Bool = { [shared] in shared.lock.withLock { shared.stop } || context.isCanceled }
        let stores = DispatchQueue(label: "artfactory.server-stores", attributes: .concurrent)
        let storeOne: @Sendable (Int, String, ServerResult) -> Void = { [self] index, server, result in
            let outcome: Outcome
            do {
                try store(result, index: index, server: server, kind: kind, spec: spec, prompt: prompt)
                outcome = .stored(index: index)
            } catch {
                outcome = .failed(index: index, error: error)
            }
            shared.lock.withLock {
                shared.outcomes.append(outcome)
                shared.storing -= 1
                shared.lock.broadcast()
            }
        }
        shared.running = min(todo.count, capacity)
        for _ in 0..<shared.running {
            let thread = Thread { [pool, logger] in
                defer { shared.lock.withLock { shared.running -= 1; shared.lock.broadcast() } }
                while true {
                    let index: Int? = shared.lock.withLock {
                        guard !shared.stop, shared.next < todo.count else { return nil }
                        defer { shared.next += 1 }
                        return todo[shared.next]
                    }
                    guard let index else { return }
                    var task = base
                    task.seed = spec.seed + Int64(index)
                    let made = Self.make(task, index: index, kind: kind, model: model, api: api, pool: pool, retries: profile.serverRetries,
                                         pollInterval: profile.pollIntervalSeconds, logger: logger, shared: shared, stop: stopAll)
                    switch made {
                    case nil:
                        return
                    case .image(let index, let server, let result)?:
                        // Hand it to a store task and take the next image straight away.
                        shared.lock.withLock { shared.storing += 1; shared.progress[index] = nil }
                        stores.async { storeOne(index, server, result) }
                    case .failed(let index, let error)?:
                        shared.lock.withLock {
                            shared.outcomes.append(.failed(index: index, error: error))
                            shared.progress[index] = nil
                            shared.lock.broadcast()
                        }
                    }
                }
            }
            thread.name = "artfactory-server-image"
            thread.start()
        }
        // The job's thread: collect what is stored, report progress, watch for cancel.
        var failure: (any Error)?
        defer {
            shared.lock.withLock { shared.stop = true; shared.lock.broadcast() }
            // No image thread or store task outlives the job (a store under way finishes).
            shared.lock.withLock { while shared.running > 0 || shared.storing > 0 { _ = shared.lock.wait(until: Date().addingTimeInterval(0.1)) } }
        }
        while true {
            let (outcomes, finished, live, preview): ([Outcome], Bool, [Int: (server: String, p: ServerProgress)], Data?) = shared.lock.withLock {
                if shared.outcomes.isEmpty && (shared.running > 0 || shared.storing > 0) {
                    _ = shared.lock.wait(until: Date().addingTimeInterval(0.1))
                }
                defer { shared.outcomes = []; shared.preview = nil }
                return (shared.outcomes, shared.running == 0 && shared.storing == 0 && shared.outcomes.isEmpty, shared.progress, shared.preview)
            }
            for outcome in outcomes {
                switch outcome {
                case .stored(let index):
                    done.insert(index)
                case .failed(_, let error):
                    if failure == nil {
                        failure = error
                        shared.lock.withLock { shared.stop = true; shared.lock.broadcast() }
                    }
                }
            }
            if context.isCanceled { throw CancellationError() }
            if finished { break }
            try report(live, preview: preview, done: done.count, spec: spec, kind: kind, context: context, position: position)
        }
        if let failure { throw failure }
        if context.isCanceled { throw CancellationError() }
        guard done.count >= spec.count else { throw CancellationError() }
        try context.report(JobProgress(step: spec.steps, totalSteps: spec.steps, image: position.done + spec.count, images: position.total,
                                       detail: "done"))
        logger.notice("server generation stored", metadata: ["provider": .string(kind), "images": .stringConvertible(todo.count)])
    }

    /// The prompt without its `<lora:…>` tags, and the tags.
    static func loraTags(_ prompt: String) throws -> (String, [LoRATag]) {
        do {
            let (text, tags) = try LoRATag.extract(from: prompt)
            return (text, tags)
        } catch let e as PromptError {
            throw RPCError.invalidParams("the prompt's LoRA tag is malformed: \(e.message)", field: "prompt")
        }
    }

    /// One image: a slot, the server's job, and on a retryable failure the next server.
    /// Returns nil when stopped (canceled, or another image failed for good).
    private static func make(_ task: ServerTask, index: Int, kind: String, model: String, api: any ServerAPI, pool: ServerPool, retries: Int,
                             pollInterval: Double, logger: Logger, shared: Shared, stop: @escaping @Sendable () -> Bool) -> Made? {
        var failedOn: Set<String> = []
        var attempt = 0
        while true {
            let slot: ServerPool.Slot
            do {
                slot = try pool.acquire(kind: kind, model: model, loras: task.loras.map(\.name), avoid: failedOn, stop: stop)
            } catch let e as ServerError {
                return .failed(index: index, error: e)
            } catch {
                return nil
            }
            var task = task
            task.checkpoint = slot.checkpoint
            // The LoRAs as this server names them (same order).
            for i in task.loras.indices where i < slot.loras.count { task.loras[i].name = slot.loras[i] }
            let label = slot.node.label
            shared.lock.withLock { shared.progress[index] = (label, ServerProgress(running: false)) }
            do {
                let result = try api.generate(task, on: slot.node.connection, pollInterval: pollInterval, progress: { p in
                    shared.lock.withLock {
                        shared.progress[index] = (label, p)
                        if let preview = p.preview { shared.preview = preview }
                    }
                }, stop: stop)
                pool.mark(slot.node, nil)
                pool.release(slot, succeeded: true)
                return .image(index: index, server: label, result: result)
            } catch is CancellationError {
                pool.release(slot, succeeded: false)
                return nil
            } catch let e as ServerError {
                pool.mark(slot.node, e)
                pool.release(slot, succeeded: false)
                guard e.retryable || e.isAuthentication, attempt < retries, !stop() else { return .failed(index: index, error: e) }
                attempt += 1
                failedOn.insert(label)
                logger.warning("server failed; sending the image to another", metadata: [
                    "provider": .string(kind), "server": .string(label), "image": .stringConvertible(index + 1),
                    "attempt": .stringConvertible(attempt), "error": .string(e.message),
                ])
            } catch {
                pool.release(slot, succeeded: false)
                return .failed(index: index, error: .malformed(kind: kind, server: label, detail: "\(error)"))
            }
        }
    }

    private func report(_ live: [Int: (server: String, p: ServerProgress)], preview: Data?, done: Int, spec: GenerationSpec, kind: String,
                        context: JobContext, position: GenerationExecutor.BatchPosition) throws {
        let entries = live.sorted { $0.key < $1.key }
        let parts = entries.map { entry -> String in
            let p = entry.value.p
            if !p.running { return "queued on \(entry.value.server)" + (p.queuePosition.map { " (#\($0))" } ?? "") }
            if let step = p.step, let steps = p.steps { return "\(entry.value.server) \(step)/\(steps)" }
            return "running on \(entry.value.server)"
        }
        let steps = entries.compactMap { entry -> Double? in
            guard let step = entry.value.p.step, let total = entry.value.p.steps else { return nil }
            return Double(step) / Double(max(1, total))
        }
        let fraction = steps.isEmpty ? 0 : steps.reduce(0, +) / Double(steps.count)
        var progress = JobProgress(step: Int((fraction * Double(spec.steps)).rounded()), totalSteps: spec.steps, image: position.done + done,
                                   images: position.total,
                                   detail: parts.isEmpty ? "waiting for a \(kind) server" : "\(kind): " + parts.prefix(8).joined(separator: ", "))
        if spec.previewEvery != nil, let preview { progress.preview = Self.preview(preview) }
        try context.report(progress)
    }

    /// A server's preview frame as a ≤64 px PNG for `job.progress`.
    static func preview(_ data: Data) -> ProgressPreview? {
        guard var pixels = try? ImageDecoder().decode(data, name: "preview").pixels.rgb() else { return nil }
        if max(pixels.width, pixels.height) > 64, let small = try? Resampler(filter: .triangle).fit(pixels, maxSide: 64) { pixels = small }
        guard let png = try? PNGEncoder(parallel: false).encode(pixels) else { return nil }
        return ProgressPreview(width: pixels.width, height: pixels.height, data: png.base64EncodedString())
    }

    /// Stores one image with its server record; the server's own text chunks go into the PNG.
    private func store(_ result: ServerResult, index: Int, server: String, kind: String, spec: GenerationSpec,
                       prompt: (prompt: String, negativePrompt: String)) throws {
        let pixels: PixelBuffer
        do {
            pixels = try ImageDecoder().decode(result.image, name: "\(kind) image \(index + 1)").pixels.rgb()
        } catch {
            throw ServerError.malformed(kind: kind, server: server, detail: "image \(index + 1) is not a readable PNG, JPEG or WebP")
        }
        var chunks = (try? PNGTextChunk.readAll(from: result.image)) ?? []
        var serverInfo: [String: CatalogJSON] = [:]
        if let own = chunks.first(where: { $0.keyword == "parameters" }) { serverInfo["parameters"] = .string(own.text) }
        for (k, v) in result.info.sorted(by: { $0.key < $1.key }) where serverInfo[k] == nil {
            if let s = v.stringValue { serverInfo[k] = .string(s) }
        }
        // Ours are written fresh; the server's `parameters` is kept in the record instead.
        chunks.removeAll { ["parameters", "artfactory"].contains($0.keyword) }
        chunks = chunks.filter { (1...79).contains($0.keyword.utf8.count) }
        let entry: CatalogJSON = .object([
            "image": .int(Int64(index + 1)), "server": .string(server), "remoteId": .string(result.remoteId),
            "timings": .object(JSONObject(result.timings.mapValues { CatalogJSON.double($0) })),
        ])
        let generation = try catalog.generation(spec.generationId)
        let params = generation.params.objectValue ?? [:]
        var record = generation
        record.prompt = prompt.prompt
        record.negativePrompt = prompt.negativePrompt
        record.seed = result.seed ?? (spec.seed + Int64(index))
        record.remoteId = result.remoteId
        var recordParams = params
        recordParams["servers"] = nil
        recordParams["server"] = .string(server)
        recordParams["remoteId"] = .string(result.remoteId)
        recordParams["timings"] = .object(JSONObject(result.timings.mapValues { CatalogJSON.double($0) }))
        if !serverInfo.isEmpty { recordParams["serverMetadata"] = .object(JSONObject(serverInfo)) }
        record.params = .object(recordParams)
        record.completedAt = Int64(Date().timeIntervalSince1970 * 1000)
        // Listed as done in the transaction that adds the image: a crash leaves both or neither.
        _ = try gallery.storeGenerated(pixels: pixels, generation: record, tags: spec.tags, collectionId: spec.collectionId, extraText: chunks,
                                       recording: { params, remoteId in
            var object = params.objectValue ?? [:]
            var servers: [CatalogJSON] = []
            if case .array(let list)? = object["servers"] { servers = list }
            servers.append(entry)
            object["servers"] = .array(servers)
            params = .object(object)
            if remoteId == nil { remoteId = result.remoteId }
        })
        logger.notice("server image stored", metadata: [
            "provider": .string(kind), "server": .string(server), "remoteId": .string(result.remoteId), "image": .stringConvertible(index + 1),
        ])
    }

    /// Image indices (0-based) the generation's `servers` parameter lists as stored.
    static func storedIndices(_ params: JSONObject) -> [Int] {
        guard case .array(let list)? = params["servers"] else { return [] }
        return list.compactMap { entry in
            if case .object(let o) = entry, case .int(let n)? = o["image"] { return Int(n) - 1 }
            return nil
        }
    }

    private func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RPCError(code: RPCErrorCode.invalidFile, message: "\(path) cannot be read any more; queue the generation again.", data: ["kind": "invalidFile"])
        }
        return data
    }
}

extension ServerError {
    var isAuthentication: Bool { if case .authentication = self { return true } else { return false } }
}
