import GRDB

/// A tag. Tags attach to images (assets), not to generations: an image is what the gallery lists,
/// favorites, rates and tags, and a generation with four outputs may have one keeper. Names are
/// unique case-insensitively and renamable (the search index follows renames).
public struct Tag: CatalogRecord, Identifiable {
    public static let databaseTableName = "tags"
    /// `tag_` id.
    public var id: String
    public var name: String
    public var createdAt: Int64

    public init(id: String = CatalogID.make(.tag), name: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// A tag with the number of images carrying it.
public struct TagCount: Codable, Sendable, Hashable {
    public var tag: Tag
    public var count: Int
}
