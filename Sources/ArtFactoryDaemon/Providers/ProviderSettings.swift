import Foundation

/// One provider's section of `config.json` (`"providers": {"fal": {…}}`); every field is optional
/// and falls back to ``ProviderProfile``'s defaults. Unknown fields are an error, as everywhere in
/// the config file.
public struct ProviderSettings: Codable, Sendable, Equatable {
    /// API base URL (tests point it at a loopback server), e.g. `https://queue.fal.run`.
    public var baseURL: String?
    /// Models added to the curated list (same id = replaces the curated entry).
    public var models: [RemoteModelSettings]?
    /// Token bucket: requests per second on average, and the burst allowed.
    public var requestsPerSecond: Double?
    public var burst: Int?
    /// Retries of one request on 429, 5xx and timeouts before the step fails.
    public var maxRetries: Int?
    /// Seconds one HTTP request may take.
    public var timeoutSeconds: Double?
    /// Seconds between two status polls.
    public var pollIntervalSeconds: Double?
    /// First backoff delay in seconds (doubled per retry, with jitter) and its ceiling.
    public var backoffSeconds: Double?
    public var maxBackoffSeconds: Double?
    /// Daily limits (UTC day) on images and on estimated cost in US dollars; absent = no limit.
    public var dailyImages: Int?
    public var dailyCost: Double?
    /// How long a job waits for an unreachable provider before it fails (seconds).
    public var offlineTimeoutSeconds: Double?
    /// Tries for downloading one result image.
    public var downloadRetries: Int?
    /// Estimated cost of one image for models without their own figure (US dollars).
    public var costPerImage: Double?
    /// Self-hosted kinds (`comfyui`, `a1111`, `sdcpp`): the servers of the pool (URL strings or
    /// `{url, name, auth, maxConcurrent}` objects), see docs/providers.md.
    public var servers: [ServerEntry]?
    /// Self-hosted kinds: how many times one image is sent to another server after its server failed.
    public var serverRetries: Int?
    /// ComfyUI: the user's own API-format workflows, registered as templates by name.
    public var workflows: [String: ComfyWorkflowSettings]?

    public init() {}
}

/// A remote model offered under a provider: `fal:fal-ai/fast-sdxl` is model `fal-ai/fast-sdxl` of `fal`.
public struct RemoteModelSettings: Codable, Sendable, Equatable {
    /// The provider's model id (fal endpoint id, Replicate `owner/name[:version]`, Civitai AIR urn).
    public var id: String
    /// Any of `txt2img`, `img2img`, `inpaint` (default `txt2img`).
    public var capabilities: [String]?
    /// Estimated US dollars per image.
    public var costPerImage: Double?
    /// Default size when the request gives none.
    public var width: Int?
    public var height: Int?
    /// Civitai: the base model family sent with the job (`SDXL`, `SD_1_5`, …).
    public var baseModel: String?

    public init(id: String, capabilities: [String]? = nil, costPerImage: Double? = nil, width: Int? = nil, height: Int? = nil,
                baseModel: String? = nil) {
        self.id = id
        self.capabilities = capabilities
        self.costPerImage = costPerImage
        self.width = width
        self.height = height
        self.baseModel = baseModel
    }
}

/// A provider's settings with every default filled in.
struct ProviderProfile: Sendable {
    var name: String
    var baseURL: URL
    var models: [RemoteModelSettings]
    var requestsPerSecond: Double
    var burst: Int
    var maxRetries: Int
    var timeoutSeconds: Double
    var pollIntervalSeconds: Double
    var backoffSeconds: Double
    var maxBackoffSeconds: Double
    var dailyImages: Int?
    var dailyCost: Double?
    var offlineTimeoutSeconds: Double
    var downloadRetries: Int
    var costPerImage: Double
    /// The environment variable that overrides the stored key.
    var environmentKey: String
    /// Self-hosted kinds: the pool's servers, re-sends per image, and registered workflows.
    var servers: [ServerEntry]
    var serverRetries: Int
    var workflows: [String: ComfyWorkflowSettings]

    /// The providers ArtFactory speaks, in display order.
    static let names = ["fal", "replicate", "civitai"]
    /// The self-hosted server kinds (a pool of servers each, no key).
    static let serverNames = ["comfyui", "a1111", "sdcpp"]

    static func environmentKey(of name: String) -> String {
        switch name {
        case "fal": return "FAL_KEY"
        case "replicate": return "REPLICATE_API_TOKEN"
        default: return "CIVITAI_API_TOKEN"
        }
    }

    static func defaultBaseURL(of name: String) -> String {
        switch name {
        case "fal": return "https://queue.fal.run"
        case "replicate": return "https://api.replicate.com"
        case "comfyui": return "http://127.0.0.1:8188"
        case "a1111": return "http://127.0.0.1:7860"
        case "sdcpp": return "http://127.0.0.1:1234"
        default: return "https://orchestration.civitai.com"
        }
    }

    /// The curated models (prices are estimates; set `costPerImage` in config.json to your own).
    static func curatedModels(of name: String) -> [RemoteModelSettings] {
        switch name {
        case "fal":
            return [
                RemoteModelSettings(id: "fal-ai/fast-sdxl", capabilities: ["txt2img"], costPerImage: 0.003, width: 1024, height: 1024),
                RemoteModelSettings(id: "fal-ai/fast-sdxl/image-to-image", capabilities: ["img2img"], costPerImage: 0.003, width: 1024, height: 1024),
                RemoteModelSettings(id: "fal-ai/fast-sdxl/inpainting", capabilities: ["inpaint"], costPerImage: 0.003, width: 1024, height: 1024),
                RemoteModelSettings(id: "fal-ai/flux/schnell", capabilities: ["txt2img"], costPerImage: 0.003, width: 1024, height: 1024),
                RemoteModelSettings(id: "fal-ai/flux/dev", capabilities: ["txt2img"], costPerImage: 0.025, width: 1024, height: 1024),
            ]
        case "replicate":
            return [
                RemoteModelSettings(id: "black-forest-labs/flux-schnell", capabilities: ["txt2img"], costPerImage: 0.003, width: 1024, height: 1024),
                RemoteModelSettings(id: "black-forest-labs/flux-dev", capabilities: ["txt2img", "img2img"], costPerImage: 0.025, width: 1024, height: 1024),
            ]
        case "civitai":
            return [
                RemoteModelSettings(id: "urn:air:sdxl:checkpoint:civitai:101055@128078", capabilities: ["txt2img"], costPerImage: 0.004,
                                    width: 1024, height: 1024, baseModel: "SDXL"),
            ]
        default:
            return []
        }
    }

    /// Merges `settings` over the defaults for provider `name`.
    init(name: String, settings: ProviderSettings?) {
        let s = settings ?? ProviderSettings()
        self.name = name
        baseURL = URL(string: s.baseURL ?? Self.defaultBaseURL(of: name)) ?? URL(string: Self.defaultBaseURL(of: name))!
        var models = Self.curatedModels(of: name)
        for extra in s.models ?? [] {
            if let i = models.firstIndex(where: { $0.id == extra.id }) { models[i] = extra } else { models.append(extra) }
        }
        self.models = models
        requestsPerSecond = s.requestsPerSecond ?? 2
        burst = s.burst ?? 4
        maxRetries = s.maxRetries ?? 4
        timeoutSeconds = s.timeoutSeconds ?? 60
        pollIntervalSeconds = s.pollIntervalSeconds ?? 1
        backoffSeconds = s.backoffSeconds ?? 1
        maxBackoffSeconds = s.maxBackoffSeconds ?? 30
        dailyImages = s.dailyImages
        dailyCost = s.dailyCost
        offlineTimeoutSeconds = s.offlineTimeoutSeconds ?? 1800
        downloadRetries = s.downloadRetries ?? 4
        costPerImage = s.costPerImage ?? (Self.serverNames.contains(name) ? 0 : 0.01)
        environmentKey = Self.environmentKey(of: name)
        servers = s.servers ?? []
        serverRetries = s.serverRetries ?? 2
        workflows = s.workflows ?? [:]
    }

    /// Checks one provider section; returns a problem to report, or nil.
    static func problem(name: String, settings s: ProviderSettings) -> String? {
        guard names.contains(name) || serverNames.contains(name) else {
            return "providers.\(name): unknown provider; use one of \((names + serverNames).joined(separator: ", "))"
        }
        if serverNames.contains(name) {
            for (i, server) in (s.servers ?? []).enumerated() {
                if let problem = server.problem(at: "providers.\(name).servers[\(i)]") { return problem }
            }
            let labels = (s.servers ?? []).map(\.label)
            if Set(labels).count != labels.count { return "providers.\(name).servers: two servers have the same name; give each a distinct name" }
            if let v = s.serverRetries, !(0...10).contains(v) { return "providers.\(name).serverRetries must be 0…10" }
            if s.workflows != nil, name != "comfyui" { return "providers.\(name).workflows: only comfyui takes workflows" }
            for (key, w) in (s.workflows ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let problem = w.problem(at: "providers.comfyui.workflows.\(key)") { return problem }
            }
            if s.models != nil { return "providers.\(name).models: a server pool lists the models its servers have; remove models" }
        } else if s.servers != nil || s.serverRetries != nil || s.workflows != nil {
            return "providers.\(name): servers, serverRetries and workflows are for comfyui, a1111 and sdcpp only"
        }
        if let base = s.baseURL {
            guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                return "providers.\(name).baseURL must be an http(s) URL, got '\(base)'"
            }
        }
        if let v = s.requestsPerSecond, !(v > 0 && v <= 1000) { return "providers.\(name).requestsPerSecond must be in (0, 1000]" }
        if let v = s.burst, !(1...1000).contains(v) { return "providers.\(name).burst must be 1…1000" }
        if let v = s.maxRetries, !(0...20).contains(v) { return "providers.\(name).maxRetries must be 0…20" }
        if let v = s.timeoutSeconds, !(v > 0 && v <= 3600) { return "providers.\(name).timeoutSeconds must be in (0, 3600]" }
        if let v = s.pollIntervalSeconds, !(v > 0 && v <= 600) { return "providers.\(name).pollIntervalSeconds must be in (0, 600]" }
        if let v = s.backoffSeconds, !(v > 0 && v <= 600) { return "providers.\(name).backoffSeconds must be in (0, 600]" }
        if let v = s.maxBackoffSeconds, !(v > 0 && v <= 3600) { return "providers.\(name).maxBackoffSeconds must be in (0, 3600]" }
        if let v = s.dailyImages, v < 0 { return "providers.\(name).dailyImages must be 0 or more" }
        if let v = s.dailyCost, v < 0 { return "providers.\(name).dailyCost must be 0 or more" }
        if let v = s.offlineTimeoutSeconds, !(v >= 0 && v <= 7 * 86400) { return "providers.\(name).offlineTimeoutSeconds must be 0…604800" }
        if let v = s.downloadRetries, !(1...20).contains(v) { return "providers.\(name).downloadRetries must be 1…20" }
        if let v = s.costPerImage, v < 0 { return "providers.\(name).costPerImage must be 0 or more" }
        for m in s.models ?? [] {
            if m.id.isEmpty { return "providers.\(name).models: an entry has an empty id" }
            for c in m.capabilities ?? [] where !["txt2img", "img2img", "inpaint"].contains(c) {
                return "providers.\(name).models[\(m.id)].capabilities: unknown '\(c)'; use txt2img, img2img, inpaint"
            }
        }
        return nil
    }
}
