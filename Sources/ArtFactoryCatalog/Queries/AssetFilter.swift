/// Which images a listing or search returns. Every field is optional; set fields combine with AND.
public struct AssetFilter: Codable, Sendable, Hashable {
    /// Only this project's images (`prj_` id; unknown → `not_found`).
    public var projectId: String?
    /// Only images in this collection (`col_` id; unknown → `not_found`).
    public var collectionId: String?
    /// Only images carrying *all* these tag names (case-insensitive; an unknown name matches nothing).
    public var tags: [String]?
    /// `true`: favorites only; `false`: non-favorites only.
    public var favorite: Bool?
    /// `true`: pinned only; `false`: unpinned only.
    public var pinned: Bool?
    /// Mime type or its prefix: `image/png`, or `image/` for every image, `video/` for videos.
    public var mimePrefix: String?
    /// Created at or after (ms since the epoch).
    public var createdFrom: Int64?
    /// Created before (ms since the epoch, exclusive).
    public var createdTo: Int64?
    /// At least this many bytes.
    public var minBytes: Int64?
    /// At most this many bytes.
    public var maxBytes: Int64?
    /// Exact model name.
    public var model: String?
    /// Only this session's images (`ses_` id; unknown → `not_found`).
    public var sessionId: String?
    /// Only images of this generation.
    public var generationId: String?
    /// Only these roles (default: all roles).
    public var roles: [AssetRole]?
    /// At least this rating (1-5).
    public var minRating: Int?

    public init(projectId: String? = nil, collectionId: String? = nil, tags: [String]? = nil, favorite: Bool? = nil,
                pinned: Bool? = nil, mimePrefix: String? = nil, createdFrom: Int64? = nil, createdTo: Int64? = nil,
                minBytes: Int64? = nil, maxBytes: Int64? = nil, model: String? = nil, sessionId: String? = nil,
                generationId: String? = nil, roles: [AssetRole]? = nil, minRating: Int? = nil) {
        self.projectId = projectId
        self.collectionId = collectionId
        self.tags = tags
        self.favorite = favorite
        self.pinned = pinned
        self.mimePrefix = mimePrefix
        self.createdFrom = createdFrom
        self.createdTo = createdTo
        self.minBytes = minBytes
        self.maxBytes = maxBytes
        self.model = model
        self.sessionId = sessionId
        self.generationId = generationId
        self.roles = roles
        self.minRating = minRating
    }
}

/// Order of a listing. Ties on the sort key are broken by id, in the same direction.
public struct AssetSort: Codable, Sendable, Hashable {
    public enum Field: String, Codable, Sendable, CaseIterable {
        /// Creation time (the default).
        case created
        /// File size.
        case bytes
        /// Rating 0-5.
        case rating
    }

    public var field: Field
    public var descending: Bool

    /// Newest first.
    public static let newest = AssetSort(field: .created, descending: true)

    public init(field: Field = .created, descending: Bool = true) {
        self.field = field
        self.descending = descending
    }

    var column: String {
        switch field {
        case .created: "created_at"
        case .bytes: "bytes"
        case .rating: "rating"
        }
    }

    func key(of asset: Asset) -> Int64 {
        switch field {
        case .created: asset.createdAt
        case .bytes: asset.bytes
        case .rating: Int64(asset.rating)
        }
    }
}

/// One page of images and the cursor for the next page (`nil` at the end).
public struct AssetPage: Codable, Sendable, Hashable {
    public var items: [Asset]
    /// Opaque; pass it back unchanged with the same filter and sort.
    public var nextCursor: String?
}

/// One search result.
public struct SearchHit: Codable, Sendable, Hashable {
    public var asset: Asset
    /// bm25 score (lower is better).
    public var score: Double
}

/// One page of search results, best first.
public struct SearchPage: Codable, Sendable, Hashable {
    public var hits: [SearchHit]
    public var nextCursor: String?
}
