/// `project.rename`: change a project's display name.
public enum ProjectRename: RPCMethod {
    public static let method = "project.rename"
    public static let summary = "Rename a project (its folder slug stays the same)."

    public struct Params: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public typealias Result = ProjectInfo

    public static let params: [Schema.Property] = [
        .init("id", .string("project id"), required: true),
        .init("name", .string("new name", maxLength: 200), required: true),
    ]
    public static let result = ProjectInfo.schema
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]
    public static let exampleParams = Params(id: "prj_01J0000000000000000000000", name: "Winter campaign")
    public static let exampleResult = ProjectInfo.example
}
