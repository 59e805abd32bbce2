import GRDB

/// What a file is to its generation.
public enum AssetRole: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case input, mask, output, thumbnail
}

/// One image file in the gallery: what the gallery lists, favorites, rates, tags and collects.
///
/// `path` and `thumbnailPath` are relative to the gallery root. `projectId`, `sessionId` and
/// `model` are copied from the generation at insert so list filters use one table's indexes.
public struct Asset: CatalogRecord, Identifiable {
    public static let databaseTableName = "assets"
    /// `img_` id.
    public var id: String
    /// The generation that made (or used) it; `nil` for plain imports.
    public var generationId: String?
    public var projectId: String?
    public var sessionId: String?
    public var model: String
    public var role: AssetRole
    /// Relative to the gallery root, unique (for example `gallery/poster/2026/11/img_....png`).
    public var path: String
    /// Relative path of the WebP thumbnail, if one exists.
    public var thumbnailPath: String?
    /// Lowercase hex SHA-256 of the file; import de-duplicates by it.
    public var sha256: String
    public var width: Int
    public var height: Int
    /// File size in bytes.
    public var bytes: Int64
    /// `image/png`, `image/webp`, `image/jpeg`, ...
    public var mime: String
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    /// Pinned images are never removed by retention.
    public var pinned: Bool
    /// When it was favorited (ms), `nil` when it is not a favorite. Favorites never expire.
    public var favoritedAt: Int64?
    /// 0 (unrated) to 5.
    public var rating: Int
    /// `true` approved, `false` rejected, `nil` not reviewed.
    public var approved: Bool?

    /// Whether the image is a favorite.
    public var isFavorite: Bool { favoritedAt != nil }

    public init(id: String = CatalogID.make(.asset), generationId: String? = nil, projectId: String? = nil,
                sessionId: String? = nil, model: String = "", role: AssetRole = .output, path: String,
                thumbnailPath: String? = nil, sha256: String, width: Int, height: Int, bytes: Int64,
                mime: String = "image/png", createdAt: Int64, pinned: Bool = false, favoritedAt: Int64? = nil,
                rating: Int = 0, approved: Bool? = nil) {
        self.id = id
        self.generationId = generationId
        self.projectId = projectId
        self.sessionId = sessionId
        self.model = model
        self.role = role
        self.path = path
        self.thumbnailPath = thumbnailPath
        self.sha256 = sha256
        self.width = width
        self.height = height
        self.bytes = bytes
        self.mime = mime
        self.createdAt = createdAt
        self.pinned = pinned
        self.favoritedAt = favoritedAt
        self.rating = rating
        self.approved = approved
    }
}
