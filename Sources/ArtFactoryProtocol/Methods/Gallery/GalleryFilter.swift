/// Which images a listing or search returns. Every member is optional; members combine with AND.
public struct GalleryFilter: Codable, Sendable, Equatable {
    public var projectId: String?
    public var collectionId: String?
    /// Images carrying all these tags (case-insensitive).
    public var tags: [String]?
    public var favorite: Bool?
    /// Media type prefix such as `image/png` or `image/`.
    public var mediaType: String?
    /// Created at or after (ms since the epoch).
    public var createdFrom: Int64?
    /// Created before (ms since the epoch).
    public var createdTo: Int64?
    public var minBytes: Int64?
    public var maxBytes: Int64?
    public var model: String?
    public var sessionId: String?
    public var minRating: Int?

    public init(projectId: String? = nil, collectionId: String? = nil, tags: [String]? = nil, favorite: Bool? = nil,
                mediaType: String? = nil, createdFrom: Int64? = nil, createdTo: Int64? = nil, minBytes: Int64? = nil,
                maxBytes: Int64? = nil, model: String? = nil, sessionId: String? = nil, minRating: Int? = nil) {
        self.projectId = projectId
        self.collectionId = collectionId
        self.tags = tags
        self.favorite = favorite
        self.mediaType = mediaType
        self.createdFrom = createdFrom
        self.createdTo = createdTo
        self.minBytes = minBytes
        self.maxBytes = maxBytes
        self.model = model
        self.sessionId = sessionId
        self.minRating = minRating
    }

    /// The filter object's schema.
    public static let schema = Schema.object([
        .init("projectId", .string("only this project")),
        .init("collectionId", .string("only this collection")),
        .init("tags", .array(.string("tag name"), "images having all these tags", maxItems: 32)),
        .init("favorite", .boolean("only favorites (true) or non-favorites (false)")),
        .init("mediaType", .string("MIME type prefix, e.g. image/png")),
        .init("createdFrom", .integer("created at or after, ms since the epoch")),
        .init("createdTo", .integer("created before, ms since the epoch")),
        .init("minBytes", .integer("smallest file size", minimum: 0)),
        .init("maxBytes", .integer("largest file size", minimum: 0)),
        .init("model", .string("model name")),
        .init("sessionId", .string("only this session")),
        .init("minRating", .integer("lowest rating", minimum: 0, maximum: 5)),
    ], "which images")
}
