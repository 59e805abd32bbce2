/// `models.unload`: free a model's memory.
public enum ModelsUnload: RPCMethod {
    public static let method = "models.unload"
    public static let summary = "Drop a model's weights from memory (the next generation with it loads them again)."
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.unavailable]

    public typealias Params = ModelsLoad.Params
    public typealias Result = ModelsLoad.Result

    public static let params = ModelsLoad.params
    public static let result = ModelsLoad.result
    public static let exampleParams = ModelsLoad.Params(name: "sd1-tiny")
    public static let exampleResult = ModelsLoad.Result(name: "sd1-tiny", loaded: false, seconds: 0, resident: [])
}
