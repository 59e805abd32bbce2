/// `provider.list`: the remote providers, their keys (set or not), reachability and usage.
public enum ProviderList: RPCMethod {
    public static let method = "provider.list"
    public static let summary = "List the remote providers (fal, replicate, civitai): key set or not, reachability, today's usage and limits."
    public static let details = "Never returns a key: only whether one is set, where it comes from and its last 4 characters."

    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Equatable {
        public var providers: [ProviderInfo]
        public init(providers: [ProviderInfo]) { self.providers = providers }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([.init("providers", .array(ProviderInfo.schema), required: true)])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(providers: [.example])
}
