/// `gallery.search`: ranked full-text search over prompts, tags, projects and collections.
public enum GallerySearch: RPCMethod {
    public static let method = "gallery.search"
    public static let summary = "Full-text search (prompt, negative prompt, tags, project and collection names), best matches first."
    public static let details = """
        Words are matched as prefixes and combined with AND. Accepts the same `filter` as gallery.list. Ranks the \
        most recent matches (the newest 500 by default) by relevance; page with `nextCursor`. Each hit carries the \
        listing summary (prompt, negative prompt, seed, steps, sampler, project, tags, rating) and a `snippet` with \
        the matched words in [brackets].
        """

    public struct Params: Codable, Sendable, Equatable {
        public var query: String
        public var filter: GalleryFilter?
        public var cursor: String?
        public var limit: Int?
        public var inlineThumbnails: Bool?

        public init(query: String, filter: GalleryFilter? = nil, cursor: String? = nil, limit: Int? = nil, inlineThumbnails: Bool? = nil) {
            self.query = query
            self.filter = filter
            self.cursor = cursor
            self.limit = limit
            self.inlineThumbnails = inlineThumbnails
        }
    }

    /// One match.
    public struct Hit: Codable, Sendable, Equatable {
        public var image: GalleryImage
        /// Higher is better.
        public var score: Double
        /// The best-matching passage (prompt, negative prompt, tags, project or collection names),
        /// each matched word in square brackets: `a [red] [fox] in the snow`.
        public var snippet: String?
        public init(image: GalleryImage, score: Double, snippet: String? = nil) {
            self.image = image
            self.score = score
            self.snippet = snippet
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var hits: [Hit]
        public var nextCursor: String?
        public init(hits: [Hit], nextCursor: String?) {
            self.hits = hits
            self.nextCursor = nextCursor
        }
    }

    public static let params: [Schema.Property] = [
        .init("query", .string("words to find", maxLength: 1000), required: true),
        .init("filter", GalleryFilter.schema),
        .init("cursor", .string("nextCursor of the previous page")),
        .init("limit", .integer("page size (default 50)", minimum: 1, maximum: 1000)),
        .init("inlineThumbnails", .boolean("include thumbnailBase64 (default false)")),
    ]
    public static let result = Schema.object([
        .init("hits", .array(.object([
            .init("image", GalleryImage.schema, required: true),
            .init("score", .number("relevance, higher is better"), required: true),
            .init("snippet", .string("best-matching passage, matched words in [brackets]")),
        ])), required: true),
        .init("nextCursor", .string("absent on the last page")),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(query: "red fox", limit: 20)
    public static let exampleResult = Result(hits: [Hit(image: GalleryImage.example, score: 3.2, snippet: "a [red] [fox] in the snow, watercolor")], nextCursor: nil)
}
