import GRDB

/// A working session: generations made together, optionally in a project.
public struct Session: CatalogRecord, Identifiable {
    public static let databaseTableName = "sessions"
    /// `ses_` id.
    public var id: String
    public var name: String
    public var projectId: String?
    public var createdAt: Int64

    public init(id: String = CatalogID.make(.session), name: String, projectId: String? = nil, createdAt: Int64) {
        self.id = id
        self.name = name
        self.projectId = projectId
        self.createdAt = createdAt
    }
}
