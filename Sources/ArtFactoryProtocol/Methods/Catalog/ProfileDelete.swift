/// `profile.delete`: remove a style profile.
public enum ProfileDelete: RPCMethod {
    public static let method = "profile.delete"
    public static let summary = "Delete a style profile (projects using it as default lose the default)."

    public typealias Params = ProjectDelete.Params
    public typealias Result = ProjectDelete.Result

    public static let params: [Schema.Property] = [.init("id", .string("profile id"), required: true)]
    public static let result = Schema.object([.init("deleted", .string("profile id"), required: true)])
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]
    public static let exampleParams = Params(id: "prf_01J0000000000000000000000")
    public static let exampleResult = Result(deleted: "prf_01J0000000000000000000000")
}
