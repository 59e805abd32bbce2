/// `provider.setKey`: store a provider's API key in the daemon's private credentials file.
public enum ProviderSetKey: RPCMethod {
    public static let method = "provider.setKey"
    public static let summary = "Store a provider's API key (credentials.json, mode 0600, written atomically)."
    public static let details = """
        The key is never logged, echoed in errors or returned: the result shows only its last 4 characters. \
        An environment variable (FAL_KEY, REPLICATE_API_TOKEN, CIVITAI_API_TOKEN) in the daemon's environment takes precedence.
        """
    public static let errors = [RPCErrorCode.invalidParams]

    public struct Params: Codable, Sendable, Equatable {
        /// `fal`, `replicate` or `civitai`.
        public var name: String
        /// The API key (printable ASCII, no spaces, at most 1024 characters).
        public var key: String
        public init(name: String, key: String) {
            self.name = name
            self.key = key
        }
    }

    public typealias Result = ProviderInfo

    public static let params: [Schema.Property] = ProviderNameParams.properties + [.init("key", .string("the API key", maxLength: 1024), required: true)]
    public static let result = ProviderInfo.schema
    public static let exampleParams = Params(name: "fal", key: "0123456789abcdef:0123456789abcdef0123456789ab9f3a")
    public static let exampleResult = ProviderInfo.example
}

/// `provider.clearKey`: forget a provider's stored key.
public enum ProviderClearKey: RPCMethod {
    public static let method = "provider.clearKey"
    public static let summary = "Delete a provider's stored API key (an environment variable, if set, still applies)."
    public static let errors = [RPCErrorCode.invalidParams, RPCErrorCode.notFound]

    public typealias Params = ProviderNameParams
    public typealias Result = ProviderInfo

    public static let params: [Schema.Property] = ProviderNameParams.properties
    public static let result = ProviderInfo.schema
    public static let exampleParams = ProviderNameParams(name: "fal")
    public static let exampleResult = ProviderInfo(name: "fal", baseURL: "https://queue.fal.run", keySet: false, keySource: nil, keyLast4: nil,
                                                   reachability: .example, models: 5, imagesToday: 0, costToday: 0, dailyImages: nil,
                                                   dailyCost: nil, requestsPerSecond: 2, burst: 4)
}
