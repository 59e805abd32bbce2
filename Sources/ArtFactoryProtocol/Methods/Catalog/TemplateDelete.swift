/// `template.delete`: remove a template.
public enum TemplateDelete: RPCMethod {
    public static let method = "template.delete"
    public static let summary = "Delete a saved template."

    public typealias Params = ProjectDelete.Params
    public typealias Result = ProjectDelete.Result

    public static let params: [Schema.Property] = [.init("id", .string("template id"), required: true)]
    public static let result = Schema.object([.init("deleted", .string("template id"), required: true)])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "tpl_01J0000000000000000000000")
    public static let exampleResult = Result(deleted: "tpl_01J0000000000000000000000")
}
