/// A remote provider as clients see it: where it is, whether a key is set (never the key), how it
/// was last reached, and today's usage against the daily limits.
public struct ProviderInfo: Codable, Sendable, Equatable {
    /// `fal`, `replicate` or `civitai`.
    public var name: String
    /// API base URL in use.
    public var baseURL: String
    /// Whether a key is set.
    public var keySet: Bool
    /// `environment` (FAL_KEY, REPLICATE_API_TOKEN, CIVITAI_API_TOKEN) or `file` (credentials.json).
    public var keySource: String?
    /// The key's last 4 characters, to tell keys apart.
    public var keyLast4: String?
    /// Last contact: `unknown`, `ok`, `unreachable` or `authFailed`.
    public var reachability: ProviderReachabilityInfo
    /// Remote models offered (`provider:model-id`).
    public var models: Int
    /// Images requested and estimated US dollars spent today (UTC), and the configured limits.
    public var imagesToday: Int
    public var costToday: Double
    public var dailyImages: Int?
    public var dailyCost: Double?
    /// Token bucket: average requests per second and burst.
    public var requestsPerSecond: Double
    public var burst: Int
    /// Self-hosted kinds (`comfyui`, `a1111`, `sdcpp`): the pool's servers.
    public var servers: [ServerInfo]?

    public init(name: String, baseURL: String, keySet: Bool, keySource: String?, keyLast4: String?, reachability: ProviderReachabilityInfo,
                models: Int, imagesToday: Int, costToday: Double, dailyImages: Int?, dailyCost: Double?, requestsPerSecond: Double, burst: Int) {
        self.name = name
        self.baseURL = baseURL
        self.keySet = keySet
        self.keySource = keySource
        self.keyLast4 = keyLast4
        self.reachability = reachability
        self.models = models
        self.imagesToday = imagesToday
        self.costToday = costToday
        self.dailyImages = dailyImages
        self.dailyCost = dailyCost
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }

    public static let schema = Schema.object([
        .init("name", .enumeration(ProviderNameParams.names), required: true),
        .init("baseURL", .string("API base URL"), required: true),
        .init("keySet", .boolean("a key is set"), required: true),
        .init("keySource", .enumeration(["environment", "file"], "where the key comes from")),
        .init("keyLast4", .string("last 4 characters of the key", maxLength: 4)),
        .init("reachability", ProviderReachabilityInfo.schema, required: true),
        .init("models", .integer("remote models offered", minimum: 0), required: true),
        .init("imagesToday", .integer("images requested today (UTC)", minimum: 0), required: true),
        .init("costToday", .number("estimated US dollars today (UTC)", minimum: 0), required: true),
        .init("dailyImages", .integer("daily image limit", minimum: 0)),
        .init("dailyCost", .number("daily cost limit in US dollars", minimum: 0)),
        .init("requestsPerSecond", .number("token bucket rate", minimum: 0), required: true),
        .init("burst", .integer("token bucket size", minimum: 1), required: true),
        .init("servers", .array(ServerInfo.schema, "self-hosted kinds: the pool's servers")),
    ], "a remote provider or a pool of self-hosted servers")

    static let example = ProviderInfo(name: "fal", baseURL: "https://queue.fal.run", keySet: true, keySource: "file", keyLast4: "9f3a",
                                      reachability: .example, models: 5, imagesToday: 8, costToday: 0.024, dailyImages: 200,
                                      dailyCost: 5, requestsPerSecond: 2, burst: 4)
}

/// How a provider was last reached.
public struct ProviderReachabilityInfo: Codable, Sendable, Equatable {
    /// `unknown` (not contacted since start), `ok`, `unreachable` or `authFailed`.
    public var state: String
    /// Milliseconds since the epoch of the last contact.
    public var checkedAt: Int64?
    /// What went wrong (`connection refused`, `HTTP 401`, …).
    public var detail: String?

    public init(state: String, checkedAt: Int64?, detail: String?) {
        self.state = state
        self.checkedAt = checkedAt
        self.detail = detail
    }

    public static let schema = Schema.object([
        .init("state", .enumeration(["unknown", "ok", "unreachable", "authFailed"]), required: true),
        .init("checkedAt", .integer("ms since the epoch")),
        .init("detail", .string("what went wrong")),
    ], "last contact with a provider")

    static let example = ProviderReachabilityInfo(state: "ok", checkedAt: 1_767_225_600_000, detail: nil)
}

/// Params naming one provider.
public struct ProviderNameParams: Codable, Sendable, Equatable {
    /// `fal`, `replicate`, `civitai`, `comfyui`, `a1111` or `sdcpp`.
    public var name: String
    public init(name: String) { self.name = name }

    /// Every provider name: the remote APIs, then the self-hosted server kinds.
    public static let names = ["fal", "replicate", "civitai", "comfyui", "a1111", "sdcpp"]

    static let properties: [Schema.Property] = [.init("name", .enumeration(names, "provider"), required: true)]
}
