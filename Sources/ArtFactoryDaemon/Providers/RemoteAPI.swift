import ArtFactoryProtocol
import Foundation

/// What a remote run needs, mapped from a validated generation.
struct RemoteInput: Sendable {
    var model: RemoteModelSettings
    var prompt: String
    var negativePrompt: String
    var width: Int
    var height: Int
    var steps: Int
    var guidance: Double
    var seed: Int64
    var count: Int
    /// Engine scheduler class name (`EulerAncestralDiscreteScheduler`, …), if one was asked for.
    var sampler: String?
    /// Source image and mask as `data:` URIs.
    var image: String?
    var mask: String?
    var strength: Double?
    /// Provider-specific parameters (`--param key=value`), applied last so they win.
    var extra: [String: JSONValue]
}

/// A submitted remote request: enough to poll, fetch and cancel it, also after a daemon restart.
struct RemoteJob: Codable, Sendable, Equatable {
    /// The provider's id (fal request id, Replicate prediction id, Civitai job token).
    var id: String
    var statusURL: String?
    var resultURL: String?
    var cancelURL: String?
    /// Civitai: the individual job ids behind the token.
    var jobIds: [String]?
}

/// Finished output: image URLs (or `data:` URIs), and what the provider says about cost and time.
struct RemoteOutput: Sendable, Equatable {
    var urls: [String]
    var seed: Int64?
    /// US dollars, when the provider reports a cost.
    var cost: Double?
    /// Named durations in seconds (`inference`, `predict_time`, …).
    var timings: [String: Double]
}

/// Where a remote request is.
enum RemotePhase: Sendable, Equatable {
    case queued(position: Int?)
    case running
    case succeeded(RemoteOutput)
    case failed(String)
    case canceled
}

/// One provider's HTTP protocol. Implementations are stateless; all I/O goes through the
/// ``ProviderClient`` (key, rate limit, retries). `stop` is polled while waiting.
protocol RemoteAPI: Sendable {
    /// Submits; may already know the outcome (Replicate with `Prefer: wait`).
    func submit(_ input: RemoteInput, client: ProviderClient, stop: () -> Bool) throws -> (RemoteJob, RemotePhase?)
    /// Current phase; on success includes the output (fresh URLs each call).
    func poll(_ job: RemoteJob, model: String, client: ProviderClient, stop: () -> Bool) throws -> RemotePhase
    /// Asks the provider to stop the request (best effort).
    func cancel(_ job: RemoteJob, model: String, client: ProviderClient, stop: () -> Bool) throws
    /// One cheap authenticated call that fails with ``ProviderError/authentication(provider:status:)`` on a bad key.
    func probe(client: ProviderClient, stop: () -> Bool) throws
}

extension RemoteAPI {
    /// Merges `extra` over `base` (pass-through parameters win).
    func merged(_ base: [(String, JSONValue)], _ extra: [String: JSONValue]) -> JSONObject {
        var o = JSONObject(base)
        for key in extra.keys.sorted() { o[key] = extra[key]! }
        return o
    }

    func malformed(_ client: ProviderClient, _ what: String) -> ProviderError { .malformed(provider: client.name, detail: what) }
}

/// fal.ai queue API: `POST {base}/{model}` → `request_id` (+ status/response/cancel URLs);
/// `GET …/requests/{id}/status` → `IN_QUEUE` | `IN_PROGRESS` | `COMPLETED`; `GET …/requests/{id}` →
/// `{images: [{url, width, height, content_type}], seed, timings}`; `PUT …/requests/{id}/cancel`.
struct FalAPI: RemoteAPI {
    /// Status and result live under the app id (the first two path parts of the model id).
    static func appId(_ model: String) -> String { model.split(separator: "/").prefix(2).joined(separator: "/") }

    func submit(_ input: RemoteInput, client: ProviderClient, stop: () -> Bool) throws -> (RemoteJob, RemotePhase?) {
        var fields: [(String, JSONValue)] = [
            ("prompt", .string(input.prompt)),
            ("image_size", .object(JSONObject([("width", .int(Int64(input.width))), ("height", .int(Int64(input.height)))]))),
            ("num_inference_steps", .int(Int64(input.steps))),
            ("guidance_scale", .double(input.guidance)),
            ("seed", .int(input.seed)),
            ("num_images", .int(Int64(input.count))),
        ]
        if !input.negativePrompt.isEmpty { fields.append(("negative_prompt", .string(input.negativePrompt))) }
        if let image = input.image { fields.append(("image_url", .string(image))) }
        if let mask = input.mask { fields.append(("mask_url", .string(mask))) }
        if let strength = input.strength { fields.append(("strength", .double(strength))) }
        let body = JSONValue.object(merged(fields, input.extra))
        let (_, json) = try client.call("POST", client.endpoint("/" + input.model.id), body: body, stop: stop)
        guard let id = json?["request_id"]?.stringValue, !id.isEmpty else { throw malformed(client, "no request_id in the queue answer") }
        return (RemoteJob(id: id, statusURL: json?["status_url"]?.stringValue, resultURL: json?["response_url"]?.stringValue,
                          cancelURL: json?["cancel_url"]?.stringValue), .queued(position: json?["queue_position"]?.intValue.map(Int.init)))
    }

    func poll(_ job: RemoteJob, model: String, client: ProviderClient, stop: () -> Bool) throws -> RemotePhase {
        let base = "/\(Self.appId(model))/requests/\(job.id)"
        let statusURL = client.trusted(job.statusURL, fallback: client.endpoint(base + "/status"))
        let (_, status) = try client.call("GET", statusURL, stop: stop)
        switch status?["status"]?.stringValue {
        case "IN_QUEUE": return .queued(position: status?["queue_position"]?.intValue.map(Int.init))
        case "IN_PROGRESS": return .running
        case "COMPLETED": break
        default: throw malformed(client, "unknown queue status")
        }
        if let error = status?["error"]?.stringValue { return .failed(error) }
        let resultURL = client.trusted(job.resultURL, fallback: client.endpoint(base))
        let (code, result) = try client.call("GET", resultURL, acceptStatuses: [400, 422], stop: stop)
        if code == 400 || code == 422 {
            return .failed(result.map { ProviderClient.detail(Data(JSONWriter.bytes($0))) } ?? "HTTP \(code)")
        }
        guard let images = result?["images"]?.arrayValue else { throw malformed(client, "no images in the result") }
        let urls = images.compactMap { $0["url"]?.stringValue }
        guard urls.count == images.count else { throw malformed(client, "an image without a url in the result") }
        var timings: [String: Double] = [:]
        for (k, v) in result?["timings"]?.objectValue ?? JSONObject() { if let d = v.doubleValue { timings[k] = d } }
        return .succeeded(RemoteOutput(urls: urls, seed: result?["seed"]?.intValue, cost: nil, timings: timings))
    }

    func cancel(_ job: RemoteJob, model: String, client: ProviderClient, stop: () -> Bool) throws {
        let url = client.trusted(job.cancelURL, fallback: client.endpoint("/\(Self.appId(model))/requests/\(job.id)/cancel"))
        _ = try client.call("PUT", url, acceptStatuses: [400], stop: stop)
    }

    func probe(client: ProviderClient, stop: () -> Bool) throws {
        // The status of a request id that cannot exist: 401/403 = bad key; 404 = the key was accepted.
        _ = try client.call("GET", client.endpoint("/fal-ai/fast-sdxl/requests/00000000-0000-0000-0000-000000000000/status"),
                            acceptStatuses: [400, 404, 422], stop: stop)
    }
}

/// Replicate predictions API: `POST /v1/models/{owner}/{name}/predictions` (or `/v1/predictions`
/// with a version) with `Prefer: wait`; `GET /v1/predictions/{id}`; `POST /v1/predictions/{id}/cancel`.
/// Statuses `starting`, `processing`, `succeeded`, `failed`, `canceled`; output is a URL or a list of them.
struct ReplicateAPI: RemoteAPI {
    func submit(_ input: RemoteInput, client: ProviderClient, stop: () -> Bool) throws -> (RemoteJob, RemotePhase?) {
        var fields: [(String, JSONValue)] = [
            ("prompt", .string(input.prompt)),
            ("width", .int(Int64(input.width))),
            ("height", .int(Int64(input.height))),
            ("num_inference_steps", .int(Int64(input.steps))),
            ("guidance_scale", .double(input.guidance)),
            ("seed", .int(input.seed)),
            ("num_outputs", .int(Int64(input.count))),
        ]
        if !input.negativePrompt.isEmpty { fields.append(("negative_prompt", .string(input.negativePrompt))) }
        if let image = input.image { fields.append(("image", .string(image))) }
        if let mask = input.mask { fields.append(("mask", .string(mask))) }
        if let strength = input.strength { fields.append(("prompt_strength", .double(strength))) }
        let inputObject = JSONValue.object(merged(fields, input.extra))
        let url: URL
        let body: JSONValue
        let parts = input.model.id.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            url = client.endpoint("/v1/predictions")
            body = .object(JSONObject([("version", .string(parts[1])), ("input", inputObject)]))
        } else {
            url = client.endpoint("/v1/models/\(input.model.id)/predictions")
            body = .object(JSONObject([("input", inputObject)]))
        }
        let wait = max(1, min(60, Int(client.profile.timeoutSeconds) - 5))
        let (_, json) = try client.call("POST", url, body: body, headers: [("Prefer", "wait=\(wait)")], stop: stop)
        guard let prediction = json, let id = prediction["id"]?.stringValue, !id.isEmpty else { throw malformed(client, "no prediction id") }
        let job = RemoteJob(id: id, statusURL: prediction["urls"]?["get"]?.stringValue, cancelURL: prediction["urls"]?["cancel"]?.stringValue)
        return (job, try phase(prediction, client))
    }

    func phase(_ p: JSONValue, _ client: ProviderClient) throws -> RemotePhase {
        switch p["status"]?.stringValue {
        case "starting": return .queued(position: nil)
        case "processing": return .running
        case "failed": return .failed(p["error"]?.stringValue ?? "no reason given")
        case "canceled": return .canceled
        case "succeeded":
            var urls: [String] = []
            if let one = p["output"]?.stringValue { urls = [one] } else if let many = p["output"]?.arrayValue { urls = many.compactMap(\.stringValue) }
            guard !urls.isEmpty else { throw malformed(client, "a finished prediction without output URLs") }
            var timings: [String: Double] = [:]
            for (k, v) in p["metrics"]?.objectValue ?? JSONObject() { if let d = v.doubleValue { timings[k] = d } }
            return .succeeded(RemoteOutput(urls: urls, seed: nil, cost: nil, timings: timings))
        default: throw malformed(client, "unknown prediction status")
        }
    }

    func poll(_ job: RemoteJob, model: String, client: ProviderClient, stop: () -> Bool) throws -> RemotePhase {
        let (_, json) = try client.call("GET", client.trusted(job.statusURL, fallback: client.endpoint("/v1/predictions/\(job.id)")), stop: stop)
        guard let json else { throw malformed(client, "an empty prediction") }
        return try phase(json, client)
    }

    func cancel(_ job: RemoteJob, model: String, client: ProviderClient, stop: () -> Bool) throws {
        _ = try client.call("POST", client.trusted(job.cancelURL, fallback: client.endpoint("/v1/predictions/\(job.id)/cancel")), stop: stop)
    }

    func probe(client: ProviderClient, stop: () -> Bool) throws {
        _ = try client.call("GET", client.endpoint("/v1/account"), stop: stop)
    }
}

/// Civitai orchestration jobs API: `POST /v1/consumer/jobs` with a `textToImage` job (model as an
/// AIR urn) → `{token, jobs: [{jobId, cost, result}]}`; `GET /v1/consumer/jobs?token=…`;
/// `DELETE /v1/consumer/jobs/{jobId}`. Costs are in Buzz, recorded as US dollars at 1000 Buzz = $1.
struct CivitaiAPI: RemoteAPI {
    static let dollarsPerBuzz = 0.001

    /// Engine scheduler class → Civitai scheduler name.
    static let schedulers: [String: String] = [
        "EulerAncestralDiscreteScheduler": "EulerA", "EulerDiscreteScheduler": "Euler", "DDIMScheduler": "DDIM",
        "DPMSolverMultistepScheduler": "DPM2M", "LCMScheduler": "LCM",
    ]

    /// The base model family for an AIR urn (`urn:air:sdxl:…` → `SDXL`).
    static func baseModel(_ model: RemoteModelSettings) -> String {
        if let b = model.baseModel { return b }
        let parts = model.id.split(separator: ":")
        switch parts.count > 2 ? String(parts[2]) : "" {
        case "sd1": return "SD_1_5"
        case "sd2": return "SD_2_1"
        case "flux1": return "Flux1"
        case "pony": return "Pony"
        default: return "SDXL"
        }
    }

    func submit(_ input: RemoteInput, client: ProviderClient, stop: () -> Bool) throws -> (RemoteJob, RemotePhase?) {
        var params: [(String, JSONValue)] = [
            ("prompt", .string(input.prompt)),
            ("negativePrompt", .string(input.negativePrompt)),
            ("scheduler", .string(input.sampler.flatMap { Self.schedulers[$0] } ?? "EulerA")),
            ("steps", .int(Int64(input.steps))),
            ("cfgScale", .double(input.guidance)),
            ("width", .int(Int64(input.width))),
            ("height", .int(Int64(input.height))),
            ("seed", .int(input.seed)),
        ]
        if let image = input.image { params.append(("image", .string(image))) }
        if let strength = input.strength { params.append(("strength", .double(strength))) }
        let body = JSONValue.object(JSONObject([
            ("$type", "textToImage"), ("baseModel", .string(Self.baseModel(input.model))), ("model", .string(input.model.id)),
            ("params", .object(merged(params, input.extra))), ("quantity", .int(Int64(input.count))),
        ]))
        let (_, json) = try client.call("POST", client.endpoint("/v1/consumer/jobs"), body: body, stop: stop)
        guard let token = json?["token"]?.stringValue, !token.isEmpty, let jobs = json?["jobs"]?.arrayValue else {
            throw malformed(client, "no token or jobs in the answer")
        }
        return (RemoteJob(id: token, jobIds: jobs.compactMap { $0["jobId"]?.stringValue }), nil)
    }

    /// A job's results: `result` is one object or a list of them.
    private func results(_ job: JSONValue) -> [JSONValue] {
        if let list = job["result"]?.arrayValue { return list }
        if let one = job["result"], one.objectValue != nil { return [one] }
        return []
    }

    func poll(_ job: RemoteJob, model: String, client: ProviderClient, stop: () -> Bool) throws -> RemotePhase {
        let (_, json) = try client.call("GET", client.endpoint("/v1/consumer/jobs", query: [("token", job.id)]), stop: stop)
        guard let jobs = json?["jobs"]?.arrayValue, !jobs.isEmpty else { throw malformed(client, "no jobs for the token") }
        var urls: [String] = []
        var cost = 0.0
        var pending = false
        var scheduled = false
        for j in jobs {
            if let type = j["lastEvent"]?["type"]?.stringValue, ["Failed", "Rejected", "Expired", "Deleted"].contains(type) {
                return type == "Deleted" ? .canceled : .failed("job \(type.lowercased())")
            }
            cost += j["cost"]?.doubleValue ?? 0
            if j["scheduled"] == .bool(true) { scheduled = true }
            let rs = results(j)
            if rs.isEmpty { pending = true }
            for r in rs {
                if r["available"] == .bool(true), let url = r["blobUrl"]?.stringValue { urls.append(url) } else { pending = true }
            }
        }
        if pending { return scheduled ? .running : .queued(position: nil) }
        return .succeeded(RemoteOutput(urls: urls, seed: nil, cost: cost * Self.dollarsPerBuzz, timings: [:]))
    }

    func cancel(_ job: RemoteJob, model: String, client: ProviderClient, stop: () -> Bool) throws {
        for id in job.jobIds ?? [] {
            _ = try client.call("DELETE", client.endpoint("/v1/consumer/jobs/\(id)"), acceptStatuses: [404], stop: stop)
        }
    }

    func probe(client: ProviderClient, stop: () -> Bool) throws {
        _ = try client.call("GET", client.endpoint("/v1/consumer/jobs/00000000-0000-0000-0000-000000000000"), acceptStatuses: [400, 404], stop: stop)
    }
}
