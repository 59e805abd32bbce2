import GRDB

/// A named, ordered set of images (assets). An image may be in many collections. A collection
/// belongs to one project or is global (`projectId == nil`); its name is unique within that scope,
/// case-insensitive. Being in any collection protects an image from retention.
public struct ImageCollection: CatalogRecord, Identifiable {
    public static let databaseTableName = "collections"
    /// `col_` id.
    public var id: String
    public var projectId: String?
    public var name: String
    public var description: String
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: String = CatalogID.make(.collection), projectId: String? = nil, name: String,
                description: String = "", createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.projectId = projectId
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A collection with its number of images.
public struct CollectionSummary: Codable, Sendable, Hashable {
    public var collection: ImageCollection
    public var count: Int
}
