/// `collection.delete`: remove a collection (its images stay in the gallery).
public enum CollectionDelete: RPCMethod {
    public static let method = "collection.delete"
    public static let summary = "Delete a collection; its images are kept."

    public typealias Params = ProjectDelete.Params
    public typealias Result = ProjectDelete.Result

    public static let params: [Schema.Property] = [.init("id", .string("collection id"), required: true)]
    public static let result = Schema.object([.init("deleted", .string("collection id"), required: true)])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "col_01J0000000000000000000000")
    public static let exampleResult = Result(deleted: "col_01J0000000000000000000000")
}
