/// `profile.list`: every style profile.
public enum ProfileList: RPCMethod {
    public static let method = "profile.list"
    public static let summary = "List style profiles, by name."

    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Equatable {
        public var profiles: [ProfileInfo]
        public init(profiles: [ProfileInfo]) { self.profiles = profiles }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([.init("profiles", .array(ProfileInfo.schema), required: true)])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(profiles: [ProfileInfo.example])
}
