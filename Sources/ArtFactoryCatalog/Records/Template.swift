import ArtFactoryJSON
import GRDB

/// A named, saved parameter set. Its version is its `updatedAt` (ms since the epoch).
public struct Template: CatalogRecord, Identifiable {
    public static let databaseTableName = "templates"
    /// `tpl_` id.
    public var id: String
    /// Unique, case-insensitive.
    public var name: String
    public var description: String
    /// Generation parameters (a JSON object).
    public var params: CatalogJSON
    public var createdAt: Int64
    public var updatedAt: Int64

    /// The template's version: its last update time in ms.
    public var version: Int64 { updatedAt }

    public init(id: String = CatalogID.make(.template), name: String, description: String = "",
                params: CatalogJSON, createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.name = name
        self.description = description
        self.params = params
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
