/// `rpc.discover`: the OpenRPC document describing every method the daemon dispatches.
public enum RPCDiscover: RPCMethod {
    public static let method = "rpc.discover"
    public static let summary = "Return the OpenRPC 1.2 document for this daemon: every method, its params, result and errors."
    public typealias Params = NoParams
    public typealias Result = JSONValue
    public static let params: [Schema.Property] = []
    public static let result = Schema.any("An OpenRPC 1.2.6 document")
    public static let exampleParams = NoParams()
    public static let exampleResult: JSONValue = ["openrpc": "1.2.6"]
}
