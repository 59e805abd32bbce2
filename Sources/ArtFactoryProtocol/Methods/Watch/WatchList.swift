/// `watch.list`: the watched folders and how their imports are going.
public enum WatchList: RPCMethod {
    public static let method = "watch.list"
    public static let summary = "List watched folders with their status, counts and latest problem."

    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Equatable {
        /// Oldest first.
        public var watches: [WatchInfo]
        public init(watches: [WatchInfo]) { self.watches = watches }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([.init("watches", .array(WatchInfo.schema, "oldest first"), required: true)])
    public static let errors = [RPCErrorCode.unavailable]
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(watches: [WatchInfo.example])
}
