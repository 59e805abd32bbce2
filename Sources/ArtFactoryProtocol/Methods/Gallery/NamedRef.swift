/// An id with its display name (collections, projects, tags in results).
public struct NamedRef: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    public static let schema = Schema.object([
        .init("id", .string(), required: true),
        .init("name", .string(), required: true),
    ])
}
