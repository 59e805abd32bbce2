import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation

/// AUTOMATIC1111 / Forge web UI API (followed: AUTOMATIC1111/stable-diffusion-webui
/// `modules/api/api.py` and `models.py`). `POST /sdapi/v1/txt2img` and `/img2img` are synchronous:
/// `{prompt, negative_prompt, seed, steps, cfg_scale, width, height, sampler_name, batch_size,
/// n_iter, override_settings: {sd_model_checkpoint}, send_images, save_images}` (img2img adds
/// `init_images` and `mask` as base64, `denoising_strength`) → `{images: [base64], parameters,
/// info: "<JSON string>"}`; `GET /sdapi/v1/progress?skip_current_image=true` → `{progress,
/// eta_relative, state: {sampling_step, sampling_steps, job_count, interrupted}}` for the server's
/// current job; `POST /sdapi/v1/interrupt`; `GET /sdapi/v1/sd-models` → `[{title, model_name,
/// filename}]`; `GET /sdapi/v1/loras` → `[{name, alias, path}]`; `GET /sdapi/v1/samplers`.
/// `--api-auth user:password` makes every route want HTTP basic auth (401 otherwise).
/// `alwayson_scripts` and other pass-through params go into the body as given.
struct A1111API: ServerAPI {
    func catalog(_ server: ServerConnection) throws -> ServerCatalog {
        let (_, models) = try server.json("GET", "/sdapi/v1/sd-models")
        guard let list = models?.arrayValue else { throw ServerError.malformed(kind: server.kind, server: server.label, detail: "sd-models is not a list") }
        // Titles (`name.safetensors [hash]`) are what override_settings takes; model_name is the stem.
        let checkpoints = list.compactMap { $0["title"]?.stringValue ?? $0["model_name"]?.stringValue }
        // Forge without the LoRA extension answers 404 here: no LoRAs then, not an error.
        let loras = ((try? server.json("GET", "/sdapi/v1/loras").json)??.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        let samplers = ((try? server.json("GET", "/sdapi/v1/samplers").json)??.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        return ServerCatalog(checkpoints: checkpoints, loras: loras, samplers: samplers)
    }

    func body(_ task: ServerTask) -> (path: String, body: JSONValue) {
        // A1111/Forge apply LoRAs from `<lora:name:weight>` in the prompt (its Lora extension).
        let prompt = ([task.prompt] + task.loras.map { "<lora:\($0.name):\(LoRATag.format($0.weight))>" })
            .filter { !$0.isEmpty }.joined(separator: " ")
        var fields: [(String, JSONValue)] = [
            ("prompt", .string(prompt)), ("negative_prompt", .string(task.negativePrompt)), ("seed", .int(task.seed)),
            ("steps", .int(Int64(task.steps))), ("cfg_scale", .double(task.guidance)), ("width", .int(Int64(task.width))),
            ("height", .int(Int64(task.height))), ("sampler_name", .string(ServerSamplers.a1111(task.sampler))),
            ("batch_size", 1), ("n_iter", 1),
            ("override_settings", .object(JSONObject([("sd_model_checkpoint", .string(task.checkpoint))]))),
            ("override_settings_restore_afterwards", false), ("send_images", true), ("save_images", false),
        ]
        var path = "/sdapi/v1/txt2img"
        if let image = task.image {
            path = "/sdapi/v1/img2img"
            fields.append(("init_images", .array([.string(image.base64EncodedString())])))
            fields.append(("denoising_strength", .double(task.strength ?? 0.75)))
            if let mask = task.mask {
                fields.append(("mask", .string(mask.base64EncodedString())))
                fields.append(("inpainting_fill", 1))
                fields.append(("mask_blur", 4))
                fields.append(("inpaint_full_res", false))
            }
        }
        return (path, .object(merged(fields, task.extra)))
    }

    func generate(_ task: ServerTask, on server: ServerConnection, pollInterval: Double,
                  progress: (ServerProgress) -> Void, stop: () -> Bool) throws -> ServerResult {
        let started = Date()
        let (path, body) = body(task)
        // The call blocks until the image is made; progress is polled beside it.
        let call = BlockingCall { try server.json("POST", path, body: body, accept: [422], timeout: server.generationTimeout) }
        progress(ServerProgress(running: false))
        var interrupted: Date?
        var lastInterrupt = Date.distantPast
        while !call.wait(seconds: pollInterval) {
            if stop() {
                // Interrupt (again every half second, in case our job had not started yet); give up
                // waiting for the answer after 5 s (the call's thread ends at its own timeout).
                let now = Date()
                if interrupted.map({ now.timeIntervalSince($0) > 5 }) ?? false { throw CancellationError() }
                if now.timeIntervalSince(lastInterrupt) >= 0.5 {
                    interrupted = interrupted ?? now
                    lastInterrupt = now
                    _ = try? server.json("POST", "/sdapi/v1/interrupt", timeout: 5)
                }
                continue
            }
            if let state = try? server.json("GET", "/sdapi/v1/progress", query: [("skip_current_image", "true")]).json {
                let step = state["state"]?["sampling_step"]?.intValue.map(Int.init)
                let steps = state["state"]?["sampling_steps"]?.intValue.map(Int.init)
                let busy = (state["progress"]?.doubleValue ?? 0) > 0 || (step ?? 0) > 0
                progress(ServerProgress(running: busy, step: busy ? step : nil, steps: busy ? steps : nil))
            }
        }
        // An interrupted A1111 job still answers with the image so far: it is not ours to keep.
        if interrupted != nil || stop() { throw CancellationError() }
        let (status, json) = try call.result()
        if status == 422 {
            throw ServerError.http(kind: server.kind, server: server.label, status: 422, detail: server.scrub(Self.validation(json)))
        }
        guard let first = json?["images"]?.arrayValue?.first?.stringValue, let image = decodeBase64(first), !image.isEmpty else {
            throw ServerError.malformed(kind: server.kind, server: server.label, detail: "no image in the \(path) answer")
        }
        // `info` is a JSON string: seed, all_seeds, infotexts, job_timestamp, sd_model_name…
        let info = json?["info"]?.stringValue.flatMap { try? JSONParser().parse(Array($0.utf8)) }
        var kept: [String: JSONValue] = [:]
        if let text = info?["infotexts"]?.arrayValue?.first?.stringValue { kept["parameters"] = .string(text) }
        if let name = info?["sd_model_name"]?.stringValue { kept["sdModelName"] = .string(name) }
        let remoteId = info?["job_timestamp"]?.stringValue ?? "a1111-\(Int64(started.timeIntervalSince1970 * 1000))"
        return ServerResult(image: image, remoteId: remoteId, seed: info?["seed"]?.intValue ?? task.seed,
                            timings: ["total": Date().timeIntervalSince(started)], info: kept)
    }

    /// FastAPI's 422 body: `{detail: [{loc, msg}]}`.
    static func validation(_ json: JSONValue?) -> String {
        guard let first = json?["detail"]?.arrayValue?.first else { return json?["detail"]?.stringValue ?? "invalid request" }
        let loc = (first["loc"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0.intValue.map(String.init) }.joined(separator: ".")
        return "\(loc): \(first["msg"]?.stringValue ?? "invalid")"
    }
}

/// Runs one blocking call on its own thread, so the caller can poll progress and stop meanwhile.
final class BlockingCall<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcome: Result<T, any Error>?

    init(_ body: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            let r = Result { try body() }
            condition.lock()
            outcome = r
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "artfactory-server-call"
        thread.start()
    }

    /// Waits up to `seconds`; true once the call returned.
    func wait(seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(seconds)
        while outcome == nil { if !condition.wait(until: deadline) { break } }
        return outcome != nil
    }

    func result() throws -> T {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil { condition.wait() }
        return try outcome!.get()
    }
}
