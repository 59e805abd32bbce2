import ArtFactoryProtocol
import Foundation

/// ComfyUI's HTTP and websocket API (followed: comfyanonymous/ComfyUI `server.py` routes and
/// `execution.py` messages). `POST /prompt {prompt, client_id}` → `{prompt_id, number, node_errors}`
/// (400 with `error`/`node_errors` for a graph it refuses); `/ws?clientId=` sends JSON
/// `{type, data}` messages (`status`, `execution_start`, `executing` with `node: null` when the
/// prompt is done, `progress {value, max}`, `executed`, `execution_success`, `execution_error`,
/// `execution_interrupted`) and binary preview frames (4-byte big-endian event 1, 4-byte image
/// type 1 = JPEG / 2 = PNG, the image); `GET /history/{id}` → `{id: {outputs: {node: {images:
/// [{filename, subfolder, type}]}}, status: {status_str, completed, messages}}}`; `GET /view?filename=
/// &subfolder=&type=` serves a file; `POST /upload/image` (multipart `image`) → `{name, subfolder,
/// type}`; `POST /interrupt` stops the running prompt, `POST /queue {delete: [id]}` drops a pending
/// one; `GET /object_info` lists node inputs (checkpoints, LoRAs, samplers).
struct ComfyUIAPI: ServerAPI {
    func catalog(_ server: ServerConnection) throws -> ServerCatalog {
        let (_, json) = try server.json("GET", "/object_info")
        guard let info = json?.objectValue else { throw ServerError.malformed(kind: server.kind, server: server.label, detail: "no object_info") }
        func options(_ node: String, _ input: String) -> [String] {
            guard let spec = info[node]?["input"]?["required"]?[input]?.arrayValue, let first = spec.first else { return [] }
            // Older servers: [[choices…], {…}]; newer: ["COMBO", {options: [choices…]}].
            if let list = first.arrayValue { return list.compactMap(\.stringValue) }
            return spec.count > 1 ? (spec[1]["options"]?.arrayValue ?? []).compactMap(\.stringValue) : []
        }
        return ServerCatalog(checkpoints: options("CheckpointLoaderSimple", "ckpt_name"), loras: options("LoraLoader", "lora_name"),
                             samplers: options("KSampler", "sampler_name"))
    }

    func generate(_ task: ServerTask, on server: ServerConnection, pollInterval: Double,
                  progress: (ServerProgress) -> Void, stop: () -> Bool) throws -> ServerResult {
        let started = Date()
        let image = try task.image.map { try upload($0, on: server) }
        let mask = try task.mask.map { try upload($0, on: server) }
        let graph = ComfyWorkflow.graph(for: task, image: image, mask: mask)
        let clientId = UUID().uuidString.lowercased()
        // Connect first so no message of our prompt is missed (ws:// for http, wss:// for https);
        // without it (a proxy that refuses upgrades) /history is polled instead and progress shows
        // only queued/running.
        let socket = openSocket(server, clientId: clientId)
        defer { socket?.close() }
        let body: JSONValue = .object(JSONObject([("prompt", .object(graph)), ("client_id", .string(clientId))]))
        let (status, answer) = try server.json("POST", "/prompt", body: body, accept: [400])
        if status == 400 {
            throw ServerError.remoteFailed(kind: server.kind, server: server.label, detail: Self.refusal(answer))
        }
        guard let promptId = answer?["prompt_id"]?.stringValue, !promptId.isEmpty else {
            throw ServerError.malformed(kind: server.kind, server: server.label, detail: "no prompt_id in the /prompt answer")
        }
        progress(ServerProgress(running: false, queuePosition: answer?["number"]?.intValue.map(Int.init)))
        var running = false
        var finished = false
        var failure: String?
        var lastHistory = Date.distantPast
        var executionStarted: Date?
        var socketOpen = socket != nil
        while true {
            if stop() {
                cancel(promptId, running: running, on: server)
                throw CancellationError()
            }
            if socketOpen, let socket {
                do {
                    if let message = try socket.receive(timeout: 0.1) {
                        switch message {
                        case .text(let text):
                            guard let json = try? JSONParser().parse(Array(text.utf8)), let data = json["data"],
                                  data["prompt_id"]?.stringValue == promptId || json["type"]?.stringValue == "status" else { continue }
                            switch json["type"]?.stringValue {
                            case "execution_start":
                                running = true
                                executionStarted = Date()
                                progress(ServerProgress(running: true))
                            case "executing":
                                running = true
                                if data["node"] == .null || data["node"] == nil { finished = true }
                            case "progress":
                                running = true
                                progress(ServerProgress(running: true, step: data["value"]?.intValue.map(Int.init), steps: data["max"]?.intValue.map(Int.init)))
                            case "execution_success":
                                finished = true
                            case "execution_error":
                                failure = [data["node_type"]?.stringValue, data["exception_message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
                                finished = true
                            case "execution_interrupted":
                                failure = "the prompt was interrupted on the server"
                                finished = true
                            default:
                                break
                            }
                        case .binary(let bytes):
                            // Event 1 = PREVIEW_IMAGE: then image type (1 JPEG, 2 PNG) and the image.
                            if bytes.count > 8, bytes[0..<4] == [0, 0, 0, 1], running {
                                progress(ServerProgress(running: true, preview: Data(bytes[8...])))
                            }
                        }
                    }
                } catch {
                    // The socket dropped: the server may be gone; /history tells (and fails over if so).
                    socketOpen = false
                }
            } else if !finished {
                if pause(min(pollInterval, 0.25), stop: stop) { continue }
            }
            if let failure { throw ServerError.remoteFailed(kind: server.kind, server: server.label, detail: failure.isEmpty ? "execution error" : failure) }
            // The history is the record of truth; poll it when told the prompt is done, and every
            // poll interval meanwhile (a lost message or a socket that never opened).
            guard finished || Date().timeIntervalSince(lastHistory) >= pollInterval else { continue }
            lastHistory = Date()
            let (_, history) = try server.json("GET", "/history/\(promptId)")
            guard let entry = history?[promptId] else {
                if finished {
                    // Said done but not in the history yet: give it a moment.
                    finished = false
                }
                continue
            }
            if let statusStr = entry["status"]?["status_str"]?.stringValue, statusStr == "error" {
                let messages = entry["status"]?["messages"]?.arrayValue ?? []
                let error = messages.compactMap { m -> String? in
                    guard let pair = m.arrayValue, pair.count == 2, pair[0].stringValue == "execution_error" else { return nil }
                    return pair[1]["exception_message"]?.stringValue
                }.first
                throw ServerError.remoteFailed(kind: server.kind, server: server.label, detail: error ?? "the prompt ended with an error")
            }
            guard let outputs = entry["outputs"]?.objectValue, !outputs.isEmpty,
                  entry["status"]?["completed"] != .bool(false) else { continue }
            let files = outputs.flatMap { ($0.value["images"]?.arrayValue ?? []) }
            let saved = files.filter { $0["type"]?.stringValue == "output" }
            guard let file = (saved.isEmpty ? files : saved).first, let filename = file["filename"]?.stringValue else {
                throw ServerError.remoteFailed(kind: server.kind, server: server.label, detail: "the prompt produced no image (is there a SaveImage node?)")
            }
            let response = try server.send("GET", "/view", query: [("filename", filename), ("subfolder", file["subfolder"]?.stringValue ?? ""),
                                                                   ("type", file["type"]?.stringValue ?? "output")], timeout: max(server.timeout, 30))
            guard response.status == 200, !response.body.isEmpty else {
                throw ServerError.http(kind: server.kind, server: server.label, status: response.status, detail: "image \(filename) could not be fetched")
            }
            var timings = ["total": Date().timeIntervalSince(started)]
            if let start = executionStarted { timings["execution"] = Date().timeIntervalSince(start); timings["queue"] = start.timeIntervalSince(started) }
            if let span = Self.executionSpan(entry) { timings["execution"] = span }
            return ServerResult(image: response.body, remoteId: promptId, seed: task.seed, timings: timings, info: [:])
        }
    }

    /// Seconds between `execution_start` and `execution_success` in the history's status messages (ms timestamps).
    static func executionSpan(_ entry: JSONValue) -> Double? {
        var start: Int64?, end: Int64?
        for m in entry["status"]?["messages"]?.arrayValue ?? [] {
            guard let pair = m.arrayValue, pair.count == 2, let t = pair[1]["timestamp"]?.intValue else { continue }
            if pair[0].stringValue == "execution_start" { start = t }
            if pair[0].stringValue == "execution_success" { end = t }
        }
        guard let start, let end, end >= start else { return nil }
        return Double(end - start) / 1000
    }

    /// The reason in a 400 answer to `/prompt`: the error message and the first node error.
    static func refusal(_ answer: JSONValue?) -> String {
        var parts: [String] = []
        if let m = answer?["error"]?["message"]?.stringValue { parts.append(m) }
        if let nodes = answer?["node_errors"]?.objectValue, let first = nodes.members.first,
           let e = first.value["errors"]?.arrayValue?.first {
            parts.append("node \(first.key) (\(first.value["class_type"]?.stringValue ?? "?")): \(e["message"]?.stringValue ?? "") \(e["details"]?.stringValue ?? "")"
                .trimmingCharacters(in: .whitespaces))
        }
        return parts.isEmpty ? "the server refused the workflow" : parts.joined(separator: "; ")
    }

    private func upload(_ data: Data, on server: ServerConnection) throws -> String {
        let json = try server.multipart("/upload/image", fields: [("type", "input"), ("overwrite", "true")],
                                        files: [("image", "artfactory-\(UUID().uuidString.lowercased()).png", data)])
        guard let name = json?["name"]?.stringValue else {
            throw ServerError.malformed(kind: server.kind, server: server.label, detail: "no name in the /upload/image answer")
        }
        let subfolder = json?["subfolder"]?.stringValue ?? ""
        return subfolder.isEmpty ? name : subfolder + "/" + name
    }

    private func openSocket(_ server: ServerConnection, clientId: String) -> WebSocketClient? {
        let scheme = server.base.scheme?.lowercased()
        guard scheme == "http" || scheme == "https",
              var components = URLComponents(url: server.url("/ws", query: [("clientId", clientId)]), resolvingAgainstBaseURL: false)
        else { return nil }
        components.scheme = scheme == "https" ? "wss" : "ws"
        guard let url = components.url else { return nil }
        return try? WebSocketClient(url: url, headers: server.headers, timeout: min(server.timeout, 10))
    }

    /// Stops our prompt only: interrupt when it runs, else take it off the queue.
    private func cancel(_ promptId: String, running: Bool, on server: ServerConnection) {
        var running = running
        if !running, let queue = try? server.json("GET", "/queue", timeout: 5).json {
            running = (queue["queue_running"]?.arrayValue ?? []).contains { $0.arrayValue?.dropFirst().first?.stringValue == promptId }
        }
        if running {
            _ = try? server.json("POST", "/interrupt", body: .object(JSONObject([("prompt_id", .string(promptId))])), timeout: 5)
        } else {
            _ = try? server.json("POST", "/queue", body: .object(JSONObject([("delete", .array([.string(promptId)]))])), timeout: 5)
        }
    }
}
