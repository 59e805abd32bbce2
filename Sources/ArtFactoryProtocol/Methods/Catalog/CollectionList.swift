/// `collection.list`: collections with their sizes.
public enum CollectionList: RPCMethod {
    public static let method = "collection.list"
    public static let summary = "List collections (optionally one project's, plus global ones) with image counts."

    public struct Params: Codable, Sendable, Equatable {
        public var projectId: String?
        public init(projectId: String? = nil) { self.projectId = projectId }
    }

    /// A collection and its size.
    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var projectId: String?
        public var count: Int
        public init(id: String, name: String, projectId: String?, count: Int) {
            self.id = id
            self.name = name
            self.projectId = projectId
            self.count = count
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var collections: [Entry]
        public init(collections: [Entry]) { self.collections = collections }
    }

    public static let params: [Schema.Property] = [.init("projectId", .string("only this project's and global collections"))]
    public static let result = Schema.object([.init("collections", .array(.object([
        .init("id", .string(), required: true),
        .init("name", .string(), required: true),
        .init("projectId", .string()),
        .init("count", .integer("images", minimum: 0), required: true),
    ])), required: true)])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params()
    public static let exampleResult = Result(collections: [Entry(id: "col_01J0000000000000000000000", name: "Shortlist", projectId: nil, count: 3)])
}
