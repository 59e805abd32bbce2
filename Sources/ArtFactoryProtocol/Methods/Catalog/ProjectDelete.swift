/// `project.delete`: remove an empty project.
public enum ProjectDelete: RPCMethod {
    public static let method = "project.delete"
    public static let summary = "Delete a project that has no images (delete or move its images first)."

    public struct Params: Codable, Sendable, Equatable {
        public var id: String
        public init(id: String) { self.id = id }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var deleted: String
        public init(deleted: String) { self.deleted = deleted }
    }

    public static let params: [Schema.Property] = [.init("id", .string("project id"), required: true)]
    public static let result = Schema.object([.init("deleted", .string("project id"), required: true)])
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]
    public static let exampleParams = Params(id: "prj_01J0000000000000000000000")
    public static let exampleResult = Result(deleted: "prj_01J0000000000000000000000")
}
