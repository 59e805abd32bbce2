import ArtFactoryProtocol
import Foundation

/// stable-diffusion.cpp's server, native async API (followed: leejet/stable-diffusion.cpp
/// `examples/server/api.md` and its routes): `GET /sdcpp/v1/capabilities` → `{model: {name, stem,
/// path}, samplers, schedulers, loras: [{name, path}], limits}`; `POST /sdcpp/v1/img_gen` with
/// `{prompt, negative_prompt, width, height, seed, batch_count, strength, init_image, mask_image,
/// sample_params: {sample_method, sample_steps, guidance: {txt_cfg}}, lora: [{path, multiplier}],
/// output_format}` → 202
/// `{id, status, poll_url}` (429 when its queue is full); `GET /sdcpp/v1/jobs/{id}` → `{status:
/// queued|generating|completed|failed|cancelled, queue_position, started, completed, result:
/// {images: [{index, b64_json}]}, error: {code, message}}`; `POST /sdcpp/v1/jobs/{id}/cancel`.
/// One server loads one model: its `model.name`/`model.stem` is the only checkpoint.
struct SDCppAPI: ServerAPI {
    func catalog(_ server: ServerConnection) throws -> ServerCatalog {
        let (_, json) = try server.json("GET", "/sdcpp/v1/capabilities")
        guard let caps = json, let model = caps["model"] else {
            throw ServerError.malformed(kind: server.kind, server: server.label, detail: "no model in the capabilities")
        }
        let names = [model["stem"]?.stringValue, model["name"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
        let loras = caps["loras"]?.arrayValue ?? []
        var paths: [String: String] = [:]
        for lora in loras { if let name = lora["name"]?.stringValue, let path = lora["path"]?.stringValue { paths[name] = path } }
        return ServerCatalog(checkpoints: Array(NSOrderedSet(array: names).array.compactMap { $0 as? String }),
                             loras: loras.compactMap { $0["name"]?.stringValue },
                             samplers: (caps["samplers"]?.arrayValue ?? []).compactMap(\.stringValue), loraPaths: paths)
    }

    func body(_ task: ServerTask) -> JSONValue {
        var sample: [(String, JSONValue)] = [("sample_steps", .int(Int64(task.steps))),
                                             ("guidance", .object(JSONObject([("txt_cfg", .double(task.guidance))])))]
        if task.sampler != nil { sample.insert(("sample_method", .string(ServerSamplers.sdcpp(task.sampler))), at: 0) }
        var fields: [(String, JSONValue)] = [
            ("prompt", .string(task.prompt)), ("negative_prompt", .string(task.negativePrompt)), ("width", .int(Int64(task.width))),
            ("height", .int(Int64(task.height))), ("seed", .int(task.seed)), ("batch_count", 1),
            ("sample_params", .object(JSONObject(sample))), ("output_format", "png"), ("embed_image_metadata", true),
        ]
        if let image = task.image {
            fields.append(("init_image", .string(dataURI(image))))
            fields.append(("strength", .double(task.strength ?? 0.75)))
        }
        if let mask = task.mask { fields.append(("mask_image", .string(dataURI(mask)))) }
        // Structured LoRAs (the server ignores `<lora:…>` prompt tags by design); `path` as its
        // capabilities list it.
        if !task.loras.isEmpty {
            fields.append(("lora", .array(task.loras.map { .object(JSONObject([("path", .string($0.name)), ("multiplier", .double($0.weight))])) })))
        }
        return .object(merged(fields, task.extra))
    }

    func generate(_ task: ServerTask, on server: ServerConnection, pollInterval: Double,
                  progress: (ServerProgress) -> Void, stop: () -> Bool) throws -> ServerResult {
        let started = Date()
        let (status, submitted) = try server.json("POST", "/sdcpp/v1/img_gen", body: body(task), accept: [400])
        if status == 400 {
            throw ServerError.remoteFailed(kind: server.kind, server: server.label,
                                           detail: server.scrub(submitted?["error"]?["message"]?.stringValue ?? submitted?["error"]?.stringValue ?? "invalid request"))
        }
        guard let id = submitted?["id"]?.stringValue, !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw ServerError.malformed(kind: server.kind, server: server.label, detail: "no job id in the img_gen answer")
        }
        while true {
            if stop() {
                _ = try? server.json("POST", "/sdcpp/v1/jobs/\(id)/cancel", accept: [404, 409, 410], timeout: 5)
                throw CancellationError()
            }
            let (code, job) = try server.json("GET", "/sdcpp/v1/jobs/\(id)", accept: [404, 410])
            if code == 404 || code == 410 {
                throw ServerError.remoteFailed(kind: server.kind, server: server.label, detail: "job \(id) is gone from the server (HTTP \(code))")
            }
            switch job?["status"]?.stringValue {
            case "queued":
                progress(ServerProgress(running: false, queuePosition: job?["queue_position"]?.intValue.map(Int.init)))
            case "generating":
                progress(ServerProgress(running: true))
            case "completed":
                guard let b64 = job?["result"]?["images"]?.arrayValue?.first?["b64_json"]?.stringValue, let image = decodeBase64(b64) else {
                    throw ServerError.malformed(kind: server.kind, server: server.label, detail: "a completed job without an image")
                }
                var timings = ["total": Date().timeIntervalSince(started)]
                if let s = job?["started"]?.intValue, let c = job?["completed"]?.intValue, c >= s { timings["execution"] = Double(c - s) }
                return ServerResult(image: image, remoteId: id, seed: task.seed, timings: timings, info: [:])
            case "failed":
                throw ServerError.remoteFailed(kind: server.kind, server: server.label,
                                               detail: server.scrub(job?["error"]?["message"]?.stringValue ?? "no reason given"))
            case "cancelled":
                throw ServerError.remoteFailed(kind: server.kind, server: server.label, detail: "the job was cancelled on the server")
            default:
                throw ServerError.malformed(kind: server.kind, server: server.label, detail: "unknown job status")
            }
            if pause(pollInterval, stop: stop) { continue }
        }
    }
}
