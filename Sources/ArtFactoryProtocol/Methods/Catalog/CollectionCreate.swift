/// `collection.create`: a named set of images (an image may be in many).
public enum CollectionCreate: RPCMethod {
    public static let method = "collection.create"
    public static let summary = "Create a collection, optionally within a project. Images in a collection are kept by retention."

    public struct Params: Codable, Sendable, Equatable {
        public var name: String
        public var projectId: String?
        public var description: String?
        public init(name: String, projectId: String? = nil, description: String? = nil) {
            self.name = name
            self.projectId = projectId
            self.description = description
        }
    }

    public typealias Result = NamedRef

    public static let params: [Schema.Property] = [
        .init("name", .string("collection name", maxLength: 200), required: true),
        .init("projectId", .string("project it belongs to")),
        .init("description", .string()),
    ]
    public static let result = NamedRef.schema
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]
    public static let exampleParams = Params(name: "Shortlist")
    public static let exampleResult = NamedRef(id: "col_01J0000000000000000000000", name: "Shortlist")
}
