/// `provider.test`: check the key against the provider with one cheap authenticated call.
public enum ProviderTest: RPCMethod {
    public static let method = "provider.test"
    public static let summary = "Check a provider's key and reachability with one cheap authenticated request."
    public static let details = """
        A wrong key fails with `unavailable` and data.kind `authFailed`: "authentication failed for NAME (HTTP 401); set a valid key with \
        `artfactory provider set-key NAME`". An unreachable provider fails with data.kind `unreachable`.
        """
    public static let errors = [RPCErrorCode.invalidParams, RPCErrorCode.unavailable]

    public typealias Params = ProviderNameParams

    public struct Result: Codable, Sendable, Equatable {
        public var name: String
        /// true: the provider answered and accepted the key.
        public var ok: Bool
        /// Round-trip time in milliseconds.
        public var millis: Double
        public var provider: ProviderInfo
        public init(name: String, ok: Bool, millis: Double, provider: ProviderInfo) {
            self.name = name
            self.ok = ok
            self.millis = millis
            self.provider = provider
        }
    }

    public static let params: [Schema.Property] = ProviderNameParams.properties
    public static let result = Schema.object([
        .init("name", .string("provider"), required: true),
        .init("ok", .boolean("the key was accepted"), required: true),
        .init("millis", .number("round trip in ms", minimum: 0), required: true),
        .init("provider", ProviderInfo.schema, required: true),
    ])
    public static let exampleParams = ProviderNameParams(name: "fal")
    public static let exampleResult = Result(name: "fal", ok: true, millis: 183, provider: .example)
}
