import GRDB

// Hand-written row mapping for the hottest record (listings decode thousands of rows per second);
// the Codable conformance stays for JSON.
extension Asset {
    public init(row: Row) throws {
        self.init(id: row["id"], generationId: row["generation_id"], projectId: row["project_id"],
                  sessionId: row["session_id"], model: row["model"],
                  role: AssetRole(rawValue: row["role"] ?? "") ?? .output,
                  path: row["path"], thumbnailPath: row["thumbnail_path"], sha256: row["sha256"],
                  width: row["width"], height: row["height"], bytes: row["bytes"], mime: row["mime"],
                  createdAt: row["created_at"], pinned: row["pinned"], favoritedAt: row["favorited_at"],
                  rating: row["rating"], approved: row["approved"])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["generation_id"] = generationId
        container["project_id"] = projectId
        container["session_id"] = sessionId
        container["model"] = model
        container["role"] = role
        container["path"] = path
        container["thumbnail_path"] = thumbnailPath
        container["sha256"] = sha256
        container["width"] = width
        container["height"] = height
        container["bytes"] = bytes
        container["mime"] = mime
        container["created_at"] = createdAt
        container["pinned"] = pinned
        container["favorited_at"] = favoritedAt
        container["rating"] = rating
        container["approved"] = approved
    }
}
