import ArtFactoryProtocol
import Foundation

/// One image to make on one server, mapped from a validated generation.
struct ServerTask: Sendable {
    /// The checkpoint as this server names it (resolved by the pool).
    var checkpoint: String
    var prompt: String
    var negativePrompt: String
    var width: Int
    var height: Int
    var steps: Int
    var guidance: Double
    var seed: Int64
    /// Engine scheduler class name (`EulerAncestralDiscreteScheduler`, …), if one was asked for.
    var sampler: String?
    /// Source image and mask (PNG/JPEG/WebP bytes as the user gave them).
    var image: Data?
    var mask: Data?
    var strength: Double?
    /// `--param key=value` pass-through (applied last, so it wins).
    var extra: [String: JSONValue]
    /// ComfyUI: a registered workflow to fill in instead of the built-in graphs.
    var workflow: ComfyWorkflow?
    /// LoRAs to apply, in order: names as the user gave them, then (once a server is chosen) as
    /// that server names them (ComfyUI `lora_name`, A1111 `<lora:name:…>`, sd.cpp's `path`).
    var loras: [ServerLoRA] = []
}

/// One LoRA of a ``ServerTask``.
struct ServerLoRA: Sendable, Equatable {
    var name: String
    var weight: Double
}

/// What a server has: checkpoints, LoRAs and samplers (`/object_info`, `/sdapi/v1/sd-models`, …).
struct ServerCatalog: Sendable, Equatable {
    var checkpoints: [String]
    var loras: [String]
    var samplers: [String]
    /// sd.cpp: each LoRA's `path` (what its `lora[].path` takes), by name.
    var loraPaths: [String: String] = [:]

    /// The server's own name for `model`: an exact match, else the one whose file stem matches
    /// (`sd_xl_base_1.0` finds `SDXL/sd_xl_base_1.0.safetensors`; A1111 titles carry ` [hash]`).
    func checkpoint(named model: String) -> String? {
        if checkpoints.contains(model) { return model }
        return checkpoints.first { Self.stem($0) == model || Self.stem($0) == Self.stem(model) }
    }

    /// How this server refers to the LoRA the user calls `name` (matched like checkpoints: exactly,
    /// else by file stem), nil when it does not have it.
    func lora(named name: String) -> String? {
        let found = loras.contains(name) ? name : loras.first { Self.stem($0) == name || Self.stem($0) == Self.stem(name) }
        return found.map { loraPaths[$0] ?? $0 }
    }

    static func stem(_ name: String) -> String {
        var s = name
        if let bracket = s.range(of: " [") { s = String(s[..<bracket.lowerBound]) }
        if let slash = s.lastIndex(where: { $0 == "/" || $0 == "\\" }) { s = String(s[s.index(after: slash)...]) }
        for ext in [".safetensors", ".ckpt", ".gguf", ".pt", ".bin", ".pth"] where s.lowercased().hasSuffix(ext) {
            s = String(s.dropLast(ext.count))
        }
        return s
    }
}

/// Progress of one image on its server.
struct ServerProgress: Sendable {
    /// `queued` (position when known), `running` (step of steps when known).
    var running: Bool
    var step: Int?
    var steps: Int?
    var queuePosition: Int?
    /// A preview the server sent (ComfyUI binary frames): JPEG or PNG bytes.
    var preview: Data?
}

/// A finished image as the server made it.
struct ServerResult: Sendable {
    /// PNG (usually) bytes with the server's own text chunks.
    var image: Data
    /// The server's id for the job (ComfyUI prompt id, sd.cpp job id, A1111 job timestamp).
    var remoteId: String
    /// The seed the server reports, when it says.
    var seed: Int64?
    /// Named durations in seconds (`queue`, `execution`, `total`).
    var timings: [String: Double]
    /// What the server says about the image beyond the PNG (A1111 `infotexts`), kept in the record.
    var info: [String: JSONValue]
}

/// One self-hosted server API. Implementations are stateless; everything goes through the
/// ``ServerConnection``. `generate` blocks until the image is made; when `stop` turns true it asks
/// the server to stop that job (interrupt / dequeue / cancel) and throws `CancellationError`.
protocol ServerAPI: Sendable {
    /// What the server has; doubles as the reachability and credentials probe.
    func catalog(_ server: ServerConnection) throws -> ServerCatalog
    func generate(_ task: ServerTask, on server: ServerConnection, pollInterval: Double,
                  progress: (ServerProgress) -> Void, stop: () -> Bool) throws -> ServerResult
}

extension ServerAPI {
    /// Merges `extra` over `base` (pass-through parameters win).
    func merged(_ base: [(String, JSONValue)], _ extra: [String: JSONValue]) -> JSONObject {
        var o = JSONObject(base)
        for key in extra.keys.sorted() { o[key] = extra[key]! }
        return o
    }

    /// Sleeps `seconds` in short slices; true when `stop` turned true.
    func pause(_ seconds: Double, stop: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stop() { return true }
            usleep(useconds_t(min(0.02, max(0, deadline.timeIntervalSinceNow)) * 1e6))
        }
        return stop()
    }

    func dataURI(_ data: Data) -> String {
        let bytes = [UInt8](data.prefix(4))
        let mime = bytes.starts(with: [0x89, 0x50]) ? "image/png" : bytes.starts(with: [0xFF, 0xD8]) ? "image/jpeg" : "image/webp"
        return "data:\(mime);base64," + data.base64EncodedString()
    }

    /// Base64 that may come as a data URI.
    func decodeBase64(_ text: String) -> Data? {
        let payload = text.hasPrefix("data:") ? String(text[(text.firstIndex(of: ",").map { text.index(after: $0) } ?? text.startIndex)...]) : text
        return Data(base64Encoded: payload, options: .ignoreUnknownCharacters)
    }
}

/// Engine scheduler class → each server's sampler names.
enum ServerSamplers {
    /// ComfyUI `sampler_name` and `scheduler`.
    static func comfy(_ engine: String?) -> (String, String) {
        switch engine {
        case "EulerAncestralDiscreteScheduler": return ("euler_ancestral", "normal")
        case "DDIMScheduler": return ("ddim", "ddim_uniform")
        case "DPMSolverMultistepScheduler": return ("dpmpp_2m", "karras")
        case "LCMScheduler": return ("lcm", "sgm_uniform")
        default: return ("euler", "normal")
        }
    }

    /// A1111 / Forge `sampler_name`.
    static func a1111(_ engine: String?) -> String {
        switch engine {
        case "EulerAncestralDiscreteScheduler": return "Euler a"
        case "DDIMScheduler": return "DDIM"
        case "DPMSolverMultistepScheduler": return "DPM++ 2M"
        case "LCMScheduler": return "LCM"
        default: return "Euler"
        }
    }

    /// stable-diffusion.cpp `sample_method`.
    static func sdcpp(_ engine: String?) -> String {
        switch engine {
        case "EulerAncestralDiscreteScheduler": return "euler_a"
        case "DDIMScheduler": return "ddim_trailing"
        case "DPMSolverMultistepScheduler": return "dpm++2m"
        case "LCMScheduler": return "lcm"
        default: return "euler"
        }
    }
}
