/// One self-hosted server of a `comfyui`, `a1111` or `sdcpp` pool as clients see it: where it is,
/// the kind of auth it is given (never the credentials), how busy it is and how it was last reached.
public struct ServerInfo: Codable, Sendable, Equatable {
    /// The configured name, else `host:port`.
    public var name: String
    /// Base URL (config.json rejects credentials in URLs, so none appear here).
    public var url: String
    /// `basic` or `bearer` when credentials are configured.
    public var auth: String?
    /// Jobs sent to it at once, and how many are there now.
    public var maxConcurrent: Int
    public var inFlight: Int
    /// Images it made since the daemon started.
    public var served: Int
    public var reachability: ProviderReachabilityInfo
    /// What it has, once it was reached: checkpoints, LoRAs, samplers.
    public var models: Int?
    public var loras: Int?
    public var samplers: Int?

    public init(name: String, url: String, auth: String?, maxConcurrent: Int, inFlight: Int, served: Int,
                reachability: ProviderReachabilityInfo, models: Int?, loras: Int?, samplers: Int?) {
        self.name = name
        self.url = url
        self.auth = auth
        self.maxConcurrent = maxConcurrent
        self.inFlight = inFlight
        self.served = served
        self.reachability = reachability
        self.models = models
        self.loras = loras
        self.samplers = samplers
    }

    public static let schema = Schema.object([
        .init("name", .string("configured name or host:port"), required: true),
        .init("url", .string("base URL"), required: true),
        .init("auth", .enumeration(["basic", "bearer"], "kind of credentials configured")),
        .init("maxConcurrent", .integer("jobs sent at once", minimum: 1), required: true),
        .init("inFlight", .integer("jobs there now", minimum: 0), required: true),
        .init("served", .integer("images made since the daemon started", minimum: 0), required: true),
        .init("reachability", ProviderReachabilityInfo.schema, required: true),
        .init("models", .integer("checkpoints it has", minimum: 0)),
        .init("loras", .integer("LoRAs it has", minimum: 0)),
        .init("samplers", .integer("samplers it offers", minimum: 0)),
    ], "a self-hosted server of a pool")

    static let example = ServerInfo(name: "gpu1", url: "http://gpu1.lan:8188", auth: nil, maxConcurrent: 1, inFlight: 0, served: 12,
                                    reachability: .example, models: 3, loras: 5, samplers: 30)
}
