/// `tag.list`: every tag with how many images carry it.
public enum TagList: RPCMethod {
    public static let method = "tag.list"
    public static let summary = "List all tags with their image counts, by name."

    public typealias Params = NoParams

    /// A tag and its use.
    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var count: Int
        public init(id: String, name: String, count: Int) {
            self.id = id
            self.name = name
            self.count = count
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var tags: [Entry]
        public init(tags: [Entry]) { self.tags = tags }
    }

    public static let params: [Schema.Property] = []
    public static let result = Schema.object([.init("tags", .array(.object([
        .init("id", .string("tag id"), required: true),
        .init("name", .string(), required: true),
        .init("count", .integer("images with the tag", minimum: 0), required: true),
    ])), required: true)])
    public static let exampleParams = NoParams()
    public static let exampleResult = Result(tags: [Entry(id: "tag_01J0000000000000000000000", name: "fox", count: 12)])
}
