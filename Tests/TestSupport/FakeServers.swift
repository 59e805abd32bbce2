import ArtFactoryProtocol
import Foundation
import Glibc

/// Credentials a fake server wants (nil = none): A1111's `--api-auth user:password`, or a bearer token.
public enum FakeServerAuth: Sendable {
    case basic(user: String, password: String)
    case bearer(String)

    func accepts(_ header: String?) -> Bool {
        switch self {
        case .basic(let user, let password): return header == "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        case .bearer(let token): return header == "Bearer \(token)"
        }
    }
}

/// What the three fakes share: the loopback server, credentials, the time one image takes, and
/// ``kill()`` (the server vanishes: it stops listening, drops what is in flight, stops working).
public class FakeImageServer: @unchecked Sendable {
    public let auth: FakeServerAuth?
    private var _secondsPerImage: Double
    /// Seconds one image takes (may be changed between jobs).
    public var secondsPerImage: Double {
        get { lock.withLock { _secondsPerImage } }
        set { lock.withLock { _secondsPerImage = newValue } }
    }
    /// The image every job returns (PNG bytes, with whatever text chunks the test wants).
    public let image: [UInt8]
    let lock = NSCondition()
    var dead = false
    var interruptFlag = false
    /// Images finished, and when each one's work ran.
    public private(set) var completed = 0
    private var busyLog: [ClosedRange<Date>] = []
    public var busyIntervals: [ClosedRange<Date>] { lock.withLock { busyLog } }

    /// The most servers among `servers` that were working at the same moment.
    public static func peakConcurrency(_ servers: [FakeImageServer]) -> Int {
        var events: [(at: Date, delta: Int)] = []
        for server in servers {
            for interval in server.busyIntervals {
                events.append((interval.lowerBound, 1))
                events.append((interval.upperBound, -1))
            }
        }
        // At the same instant an end counts before a start: touching intervals do not overlap.
        events.sort { a, b in a.at != b.at ? a.at < b.at : a.delta < b.delta }
        var now = 0, peak = 0
        for (_, delta) in events { now += delta; peak = max(peak, now) }
        return peak
    }
    public private(set) var server: LoopbackHTTPServer!

    init(auth: FakeServerAuth?, secondsPerImage: Double, image: [UInt8], websocket: Bool) throws {
        self.auth = auth
        _secondsPerImage = secondsPerImage
        self.image = image
        var upgradeHandler: (@Sendable (LoopbackHTTPServer.Request, Int32) -> Void)?
        if websocket { upgradeHandler = { [unowned self] r, fd in self.upgrade(r, fd) } }
        let handler: @Sendable (LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response = { [unowned self] request in
            if self.isDead { return .dropped }
            if let auth = self.auth, !auth.accepts(request.headers["authorization"]) {
                return .json(["detail": "Not authenticated"], status: 401)
            }
            return self.handle(request)
        }
        server = try LoopbackHTTPServer(upgrade: upgradeHandler, handler: handler)
    }

    public var baseURL: String { server.baseURL }
    public var requests: [LoopbackHTTPServer.Request] { server.requests }
    var isDead: Bool { lock.withLock { dead } }

    /// The server dies: no more connections, nothing in flight answered, no job finishes.
    public func kill() {
        lock.withLock { dead = true; lock.broadcast() }
        server.stop()
        killed()
    }

    public func stop() { kill() }

    func killed() {}
    func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response { .init(status: 404) }
    func upgrade(_ request: LoopbackHTTPServer.Request, _ fd: Int32) {}

    func markCompleted(since start: Date) { lock.withLock { completed += 1; busyLog.append(start...Date()) } }

    /// Sleeps `seconds` unless the server dies or is interrupted first; false then.
    func work(_ seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        lock.lock()
        defer { lock.unlock() }
        while !dead && !interruptFlag && Date() < deadline { _ = lock.wait(until: deadline) }
        return !dead && !interruptFlag
    }
}

/// A fake ComfyUI (written from ComfyUI's server.py and execution.py): `/object_info`, `/prompt`
/// (graph checked: known class types, links to existing nodes, checkpoint in the list → else 400
/// with `node_errors`), one prompt at a time in queue order, `/ws?clientId=` messages (`status`,
/// `execution_start`, `executing`, `progress`, a binary preview, `executed`, `executing` null,
/// `execution_success`), `/history/{id}`, `/view`, `/upload/image`, `/interrupt`, `/queue`.
public final class FakeComfyUI: FakeImageServer, @unchecked Sendable {
    public let checkpoints: [String]
    /// `LoraLoader`'s `lora_name` choices.
    public let loras: [String]
    private var queue: [(id: String, clientId: String, steps: Int)] = []
    private var runningId: String?
    private var history: [String: JSONValue] = [:]
    private var sockets: [String: LoopbackWebSocket] = [:]
    private var uploads: [String: [UInt8]] = [:]
    private var counter = 0
    /// Every graph received, in order.
    public private(set) var prompts: [JSONValue] = []
    /// Names of the uploaded files.
    public var uploaded: [String] { lock.withLock { uploads.keys.sorted() } }
    public private(set) var interrupts = 0

    static let classes: Set<String> = ["CheckpointLoaderSimple", "CLIPTextEncode", "EmptyLatentImage", "KSampler", "VAEDecode", "SaveImage",
                                       "LoadImage", "LoadImageMask", "VAEEncode", "VAEEncodeForInpaint", "LoraLoader"]

    public init(checkpoints: [String] = ["sd_xl_base_1.0.safetensors"], loras: [String] = ["detail.safetensors"], auth: FakeServerAuth? = nil,
                secondsPerImage: Double = 0.2, image: [UInt8]) throws {
        self.checkpoints = checkpoints
        self.loras = loras
        try super.init(auth: auth, secondsPerImage: secondsPerImage, image: image, websocket: true)
        let thread = Thread { [weak self] in self?.workLoop() }
        thread.name = "fake-comfyui"
        thread.start()
    }

    override func upgrade(_ request: LoopbackHTTPServer.Request, _ fd: Int32) {
        guard request.path == "/ws", let clientId = request.query["clientId"] else { return }
        if let auth, !auth.accepts(request.headers["authorization"]) { return }
        guard let ws = LoopbackWebSocket(request: request, fd: fd) else { return }
        lock.withLock { sockets[clientId] = ws }
        ws.send(text: JSONWriter.string(["type": "status", "data": ["status": ["exec_info": ["queue_remaining": .int(Int64(queueLength))]], "sid": .string(clientId)]]))
        ws.waitForClose()
        lock.withLock { if sockets[clientId] === ws { sockets[clientId] = nil } }
    }

    private var queueLength: Int { lock.withLock { queue.count + (runningId == nil ? 0 : 1) } }

    override func killed() {
        let all = lock.withLock { Array(sockets.values) }
        for ws in all { ws.kill() }
    }

    private func send(_ clientId: String, _ type: String, _ data: JSONValue) {
        let ws = lock.withLock { sockets[clientId] }
        ws?.send(text: JSONWriter.string(["type": .string(type), "data": data]))
    }

    override func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        let parts = request.components
        switch (request.method, parts.first ?? "") {
        case ("GET", "object_info"):
            let combo: (String, [String]) -> JSONValue = { input, list in
                ["input": ["required": .object(JSONObject([(input, .array([.array(list.map { .string($0) }), .object(JSONObject())]))]))]]
            }
            return .json(["CheckpointLoaderSimple": combo("ckpt_name", checkpoints), "LoraLoader": combo("lora_name", loras),
                          "KSampler": combo("sampler_name", ["euler", "euler_ancestral", "dpmpp_2m", "ddim", "lcm"])])
        case ("POST", "prompt"):
            return submit(request)
        case ("GET", "history") where parts.count == 2:
            let entry = lock.withLock { history[parts[1]] }
            return .json(.object(entry.map { JSONObject([(parts[1], $0)]) } ?? JSONObject()))
        case ("GET", "view"):
            guard let name = request.query["filename"], request.query["type"] == "output", name.hasPrefix("artfactory_") else {
                return .json(["error": "not found"], status: 404)
            }
            return .init(status: 200, headers: [("Content-Type", "image/png")], body: image)
        case ("POST", "upload") where parts.count == 2 && parts[1] == "image":
            guard let (filename, bytes) = Self.multipartFile(request, field: "image"), !bytes.isEmpty else { return .init(status: 400) }
            lock.withLock { uploads[filename] = bytes }
            return .json(["name": .string(filename), "subfolder": "", "type": "input"])
        case ("POST", "interrupt"):
            lock.withLock {
                interrupts += 1
                let target = request.json?["prompt_id"]?.stringValue
                if runningId != nil && (target == nil || target == runningId) { interruptFlag = true; lock.broadcast() }
            }
            return .init(status: 200)
        case ("POST", "queue"):
            let ids = (request.json?["delete"]?.arrayValue ?? []).compactMap(\.stringValue)
            lock.withLock { queue.removeAll { ids.contains($0.id) } }
            return .init(status: 200)
        case ("GET", "queue"):
            let (running, pending) = lock.withLock { (runningId, queue.map(\.id)) }
            return .json(["queue_running": .array(running.map { [[0, .string($0)]] } ?? []),
                          "queue_pending": .array(pending.map { [1, .string($0)] })])
        default:
            return .json(["error": "no route"], status: 404)
        }
    }

    private func submit(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        guard let body = request.json, let graph = body["prompt"]?.objectValue, !graph.isEmpty else {
            return .json(["error": ["type": "no_prompt", "message": "No prompt provided", "details": ""], "node_errors": [:]], status: 400)
        }
        var steps = 20
        for (id, node) in graph {
            guard let type = node["class_type"]?.stringValue, Self.classes.contains(type), let inputs = node["inputs"]?.objectValue else {
                return .json(["error": ["type": "invalid_prompt", "message": .string("Cannot execute because node \(id) does not exist."), "details": ""],
                              "node_errors": [:]], status: 400)
            }
            for (_, value) in inputs {
                if let link = value.arrayValue, link.count == 2, let target = link[0].stringValue, graph[target] == nil {
                    return .json(["error": ["type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": ""],
                                  "node_errors": [.init(stringLiteral: id): ["errors": [["message": "Required input is missing", "details": .string("link to \(target)")]],
                                                                             "class_type": .string(type)]]], status: 400)
                }
            }
            if type == "CheckpointLoaderSimple", let name = inputs["ckpt_name"]?.stringValue, !checkpoints.contains(name) {
                return .json(["error": ["type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": ""],
                              "node_errors": [.init(stringLiteral: id): ["errors": [["message": "Value not in list", "details": .string("ckpt_name: '\(name)' not in list")]],
                                                                         "class_type": "CheckpointLoaderSimple"]]], status: 400)
            }
            if type == "LoraLoader", let name = inputs["lora_name"]?.stringValue, !loras.contains(name) {
                return .json(["error": ["type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": ""],
                              "node_errors": [.init(stringLiteral: id): ["errors": [["message": "Value not in list", "details": .string("lora_name: '\(name)' not in list")]],
                                                                         "class_type": "LoraLoader"]]], status: 400)
            }
            if type == "LoadImage" || type == "LoadImageMask", let name = inputs["image"]?.stringValue, lock.withLock({ uploads[name] == nil }) {
                return .json(["error": ["type": "prompt_outputs_failed_validation", "message": .string("Invalid image file: \(name)"), "details": ""],
                              "node_errors": [:]], status: 400)
            }
            if type == "KSampler", let s = inputs["steps"]?.intValue { steps = Int(max(1, s)) }
        }
        let (id, number): (String, Int) = lock.withLock {
            counter += 1
            let id = String(format: "%08x-0000-4000-8000-%012x", counter, counter)
            queue.append((id, body["client_id"]?.stringValue ?? "", steps))
            prompts.append(body["prompt"]!)
            lock.broadcast()
            return (id, counter)
        }
        return .json(["prompt_id": .string(id), "number": .int(Int64(number)), "node_errors": [:]])
    }

    private func workLoop() {
        while true {
            lock.lock()
            while queue.isEmpty && !dead { lock.wait() }
            if dead { lock.unlock(); return }
            let job = queue.removeFirst()
            runningId = job.id
            interruptFlag = false
            lock.unlock()
            let began = Date()
            let started = Int64(began.timeIntervalSince1970 * 1000)
            let data: (JSONValue) -> JSONValue = { extra in
                var o = extra.objectValue ?? JSONObject()
                o["prompt_id"] = .string(job.id)
                return .object(o)
            }
            send(job.clientId, "execution_start", data(["timestamp": .int(started)]))
            send(job.clientId, "executing", data(["node": "3", "display_node": "3"]))
            var ok = true
            for step in 1...job.steps {
                guard work(secondsPerImage / Double(job.steps)) else { ok = false; break }
                send(job.clientId, "progress", data(["value": .int(Int64(step)), "max": .int(Int64(job.steps)), "node": "3"]))
                if step == job.steps / 2 {
                    // A binary preview: event 1 (PREVIEW_IMAGE), image type 2 (PNG), the image.
                    let ws = lock.withLock { sockets[job.clientId] }
                    ws?.send(binary: [0, 0, 0, 1, 0, 0, 0, 2] + image)
                }
            }
            if isDead { return }
            let ended = Int64(Date().timeIntervalSince1970 * 1000)
            let entry: JSONValue
            if ok {
                let file: JSONValue = ["filename": .string("artfactory_\(job.id.prefix(8))_.png"), "subfolder": "", "type": "output"]
                send(job.clientId, "executed", data(["node": "9", "output": ["images": [file]]]))
                send(job.clientId, "executing", data(["node": .null]))
                send(job.clientId, "execution_success", data(["timestamp": .int(ended)]))
                entry = ["prompt": [1, .string(job.id)], "outputs": ["9": ["images": [file]]],
                         "status": ["status_str": "success", "completed": true,
                                    "messages": [["execution_start", ["timestamp": .int(started)]], ["execution_success", ["timestamp": .int(ended)]]]]]
                markCompleted(since: began)
            } else {
                send(job.clientId, "execution_interrupted", data(["node_id": "3", "node_type": "KSampler"]))
                entry = ["prompt": [1, .string(job.id)], "outputs": [:],
                         "status": ["status_str": "error", "completed": false, "messages": [["execution_interrupted", ["timestamp": .int(ended)]]]]]
            }
            lock.withLock {
                history[job.id] = entry
                runningId = nil
            }
        }
    }

    /// The file of one multipart form field: (filename, bytes).
    static func multipartFile(_ request: LoopbackHTTPServer.Request, field: String) -> (String, [UInt8])? {
        guard let type = request.headers["content-type"], let range = type.range(of: "boundary=") else { return nil }
        let boundary = Array(("--" + type[range.upperBound...]).utf8)
        let body = request.body
        var parts: [[UInt8]] = []
        var start: Int?
        var i = 0
        while i + boundary.count <= body.count {
            if body[i] == boundary[0] && Array(body[i..<(i + boundary.count)]) == boundary {
                if let s = start { parts.append(Array(body[s..<max(s, i - 2)])) }
                start = i + boundary.count + 2
                i += boundary.count
            } else {
                i += 1
            }
        }
        for part in parts {
            guard let split = (0..<max(0, part.count - 3)).first(where: { part[$0] == 13 && part[$0 + 1] == 10 && part[$0 + 2] == 13 && part[$0 + 3] == 10 }) else { continue }
            let head = String(decoding: part[0..<split], as: UTF8.self)
            guard head.contains("name=\"\(field)\""), let f = head.range(of: "filename=\"") else { continue }
            let filename = String(head[f.upperBound...].prefix { $0 != "\"" })
            return (filename, Array(part[(split + 4)...]))
        }
        return nil
    }
}

/// A fake AUTOMATIC1111 / Forge API (written from modules/api/api.py and models.py): synchronous
/// `/sdapi/v1/txt2img` and `/img2img` one at a time (the web UI's queue lock), `/sdapi/v1/progress`,
/// `/sdapi/v1/interrupt` (the job answers early with its partial image, as A1111 does),
/// `/sdapi/v1/sd-models`, `/sdapi/v1/loras`, `/sdapi/v1/samplers`; basic auth like `--api-auth`.
public final class FakeA1111: FakeImageServer, @unchecked Sendable {
    public let models: [String]
    private let queueLock = NSLock()
    private var step = 0
    private var steps = 0
    private var busy = false
    /// Every generation body received.
    public private(set) var bodies: [JSONValue] = []
    public private(set) var interrupts = 0

    public init(models: [String] = ["v1-5-pruned-emaonly"], auth: FakeServerAuth? = nil, secondsPerImage: Double = 0.2, image: [UInt8]) throws {
        self.models = models
        try super.init(auth: auth, secondsPerImage: secondsPerImage, image: image, websocket: false)
    }

    override func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        let path = request.path
        switch (request.method, path) {
        case ("GET", "/sdapi/v1/sd-models"):
            return .json(.array(models.map { ["title": .string("\($0).safetensors [6ce0161689]"), "model_name": .string($0),
                                               "hash": "6ce0161689", "filename": .string("/models/Stable-diffusion/\($0).safetensors")] }))
        case ("GET", "/sdapi/v1/loras"):
            return .json([["name": "detail", "alias": "detail", "path": "/models/Lora/detail.safetensors"]])
        case ("GET", "/sdapi/v1/samplers"):
            return .json([["name": "Euler a", "aliases": ["k_euler_a"]], ["name": "Euler", "aliases": ["k_euler"]], ["name": "DPM++ 2M", "aliases": []]])
        case ("GET", "/sdapi/v1/progress"):
            let (s, total, b) = lock.withLock { (step, steps, busy) }
            return .json(["progress": .double(total == 0 ? 0 : Double(s) / Double(total)), "eta_relative": 0.5,
                          "state": ["sampling_step": .int(Int64(s)), "sampling_steps": .int(Int64(total)), "job_count": b ? 1 : 0,
                                    "interrupted": false, "skipped": false], "current_image": .null, "textinfo": .null])
        case ("POST", "/sdapi/v1/interrupt"):
            lock.withLock { interrupts += 1; if busy { interruptFlag = true; lock.broadcast() } }
            return .json([:])
        case ("POST", "/sdapi/v1/txt2img"), ("POST", "/sdapi/v1/img2img"):
            return generate(request, img2img: path.hasSuffix("img2img"))
        default:
            return .json(["detail": "Not Found"], status: 404)
        }
    }

    private func generate(_ request: LoopbackHTTPServer.Request, img2img: Bool) -> LoopbackHTTPServer.Response {
        guard let body = request.json, let prompt = body["prompt"]?.stringValue else {
            return .json(["detail": [["loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing"]]], status: 422)
        }
        if img2img, body["init_images"]?.arrayValue?.first?.stringValue.flatMap({ Data(base64Encoded: $0) }) == nil {
            return .json(["detail": [["loc": ["body", "init_images"], "msg": "field required", "type": "value_error.missing"]]], status: 422)
        }
        if let checkpoint = body["override_settings"]?["sd_model_checkpoint"]?.stringValue,
           !models.contains(where: { checkpoint == $0 || checkpoint.hasPrefix($0 + ".") }) {
            return .json(["error": "RuntimeError", "detail": "", "body": "", "errors": .string("model \(checkpoint) not found")], status: 500)
        }
        queueLock.lock()
        defer { queueLock.unlock() }
        let total = Int(body["steps"]?.intValue ?? 20)
        let began = Date()
        lock.withLock { bodies.append(body); busy = true; step = 0; steps = total; interruptFlag = false }
        defer { lock.withLock { busy = false; steps = 0; step = 0 } }
        var interrupted = false
        for s in 1...max(1, total) {
            guard work(secondsPerImage / Double(max(1, total))) else {
                if isDead { return .dropped }
                interrupted = true
                break
            }
            lock.withLock { step = s }
        }
        let seed = body["seed"]?.intValue ?? -1
        let infotext = "\(prompt)\nNegative prompt: \(body["negative_prompt"]?.stringValue ?? "")\nSteps: \(total), Sampler: \(body["sampler_name"]?.stringValue ?? "Euler"), Seed: \(seed)"
        let info: JSONValue = ["prompt": .string(prompt), "seed": .int(seed), "all_seeds": [.int(seed)], "infotexts": [.string(infotext)],
                               "job_timestamp": .string("20260101\(String(format: "%06d", lock.withLock { bodies.count }))"),
                               "sd_model_name": .string(models.first ?? ""), "interrupted": .bool(interrupted)]
        if !interrupted { markCompleted(since: began) }
        return .json(["images": [.string(Data(image).base64EncodedString())], "parameters": body, "info": .string(JSONWriter.string(info))])
    }
}

/// A fake stable-diffusion.cpp server, native async API (written from examples/server/api.md):
/// `/sdcpp/v1/capabilities`, `POST /sdcpp/v1/img_gen` → 202 `{id, poll_url}`, one job at a time,
/// `GET /sdcpp/v1/jobs/{id}` (queued → generating → completed with `result.images[].b64_json`),
/// `POST /sdcpp/v1/jobs/{id}/cancel`.
public final class FakeSDCpp: FakeImageServer, @unchecked Sendable {
    public let model: String
    private var jobs: [String: JSONObject] = [:]
    private var order: [String] = []
    private var counter = 0
    public private(set) var bodies: [JSONValue] = []
    public private(set) var cancels = 0

    public init(model: String = "sd-v1-5", auth: FakeServerAuth? = nil, secondsPerImage: Double = 0.2, image: [UInt8]) throws {
        self.model = model
        try super.init(auth: auth, secondsPerImage: secondsPerImage, image: image, websocket: false)
        let thread = Thread { [weak self] in self?.workLoop() }
        thread.name = "fake-sdcpp"
        thread.start()
    }

    override func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        let parts = request.components
        switch (request.method, request.path) {
        case ("GET", "/sdcpp/v1/capabilities"):
            return .json(["model": ["name": .string(model + ".safetensors"), "stem": .string(model), "path": .string("/models/\(model).safetensors")],
                          "current_mode": "img_gen", "supported_modes": ["img_gen"], "samplers": ["euler", "euler_a", "dpm++2m", "lcm"],
                          "schedulers": ["discrete", "karras"], "loras": [["name": "detail", "path": "detail.safetensors"]],
                          "limits": ["max_batch_count": 8, "max_queue_size": 16]])
        case ("POST", "/sdcpp/v1/img_gen"):
            guard let body = request.json, body["prompt"]?.stringValue?.isEmpty == false else {
                return .json(["error": ["code": "invalid_request", "message": "prompt is required"]], status: 400)
            }
            // Structured LoRAs by the path its capabilities list.
            for lora in body["lora"]?.arrayValue ?? [] where lora["path"]?.stringValue != "detail.safetensors" {
                return .json(["error": ["code": "invalid_request", "message": .string("lora not found: \(lora["path"]?.stringValue ?? "")")]], status: 400)
            }
            let id: String = lock.withLock {
                counter += 1
                let id = "job_\(counter)"
                jobs[id] = JSONObject([("id", .string(id)), ("kind", "img_gen"), ("status", "queued"), ("created", .int(Int64(Date().timeIntervalSince1970))),
                                       ("started", .null), ("completed", .null), ("queue_position", .int(Int64(order.count))), ("result", .null), ("error", .null)])
                order.append(id)
                bodies.append(body)
                lock.broadcast()
                return id
            }
            return .json(["id": .string(id), "kind": "img_gen", "status": "queued", "created": .int(Int64(Date().timeIntervalSince1970)),
                          "poll_url": .string("/sdcpp/v1/jobs/\(id)")], status: 202)
        case ("GET", _) where parts.count == 4 && parts[2] == "jobs":
            guard let job = lock.withLock({ jobs[parts[3]] }) else { return .json(["error": ["code": "not_found", "message": "job not found"]], status: 404) }
            return .json(.object(job))
        case ("POST", _) where parts.count == 5 && parts[2] == "jobs" && parts[4] == "cancel":
            return lock.withLock {
                guard var job = jobs[parts[3]] else { return .json(["error": ["code": "not_found", "message": "job not found"]], status: 404) }
                cancels += 1
                switch job["status"]?.stringValue {
                case "queued":
                    order.removeAll { $0 == parts[3] }
                    job["status"] = "cancelled"
                    job["error"] = ["code": "cancelled", "message": "job cancelled by client"]
                    jobs[parts[3]] = job
                case "generating":
                    interruptFlag = true
                    lock.broadcast()
                default:
                    return .json(["error": ["code": "conflict", "message": "job already finished"]], status: 409)
                }
                return .json(.object(job))
            }
        default:
            return .json(["error": ["code": "not_found", "message": "no route"]], status: 404)
        }
    }

    private func workLoop() {
        while true {
            lock.lock()
            while order.isEmpty && !dead { lock.wait() }
            if dead { lock.unlock(); return }
            let id = order.removeFirst()
            interruptFlag = false
            jobs[id]?["status"] = "generating"
            jobs[id]?["started"] = .int(Int64(Date().timeIntervalSince1970))
            lock.unlock()
            let began = Date()
            let ok = work(secondsPerImage)
            if isDead { return }
            lock.withLock {
                if ok {
                    jobs[id]?["status"] = "completed"
                    jobs[id]?["result"] = ["output_format": "png", "images": [["index": 0, "b64_json": .string(Data(image).base64EncodedString())]]]
                } else {
                    jobs[id]?["status"] = "cancelled"
                    jobs[id]?["error"] = ["code": "cancelled", "message": "job cancelled by client"]
                }
                jobs[id]?["completed"] = .int(Int64(Date().timeIntervalSince1970))
            }
            if ok { markCompleted(since: began) }
        }
    }
}
