/// `gallery.list`: one page of images, filtered and sorted, with keyset pagination.
public enum GalleryList: RPCMethod {
    public static let method = "gallery.list"
    public static let summary = "List images (filters, sort, cursor pagination); returns file paths and optionally inline thumbnails."
    public static let details = """
        Pass the previous page's `nextCursor` as `cursor` to get the next page; `nextCursor` is absent on the last \
        page. A cursor is only valid with the same filter and sort (else -32602). Walking all pages returns every \
        matching image exactly once even while images are added. `inlineThumbnails` adds each thumbnail as base64 \
        (for sandboxed clients that cannot read files; costs about 10 KB per image). Each item carries a summary of \
        its generation (prompt trimmed to 240 characters, negative prompt, seed, steps, sampler, project name, tags), \
        read in one query per page.
        """

    public struct Params: Codable, Sendable, Equatable {
        public var filter: GalleryFilter?
        /// `created` (default), `bytes` or `rating`.
        public var sort: String?
        /// Default true (newest, largest or best first).
        public var descending: Bool?
        public var cursor: String?
        /// 1-1000, default 50.
        public var limit: Int?
        public var inlineThumbnails: Bool?

        public init(filter: GalleryFilter? = nil, sort: String? = nil, descending: Bool? = nil, cursor: String? = nil,
                    limit: Int? = nil, inlineThumbnails: Bool? = nil) {
            self.filter = filter
            self.sort = sort
            self.descending = descending
            self.cursor = cursor
            self.limit = limit
            self.inlineThumbnails = inlineThumbnails
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var items: [GalleryImage]
        public var nextCursor: String?
        public init(items: [GalleryImage], nextCursor: String?) {
            self.items = items
            self.nextCursor = nextCursor
        }
    }

    public static let params: [Schema.Property] = [
        .init("filter", GalleryFilter.schema),
        .init("sort", .enumeration(["created", "bytes", "rating"], "sort key (default created)")),
        .init("descending", .boolean("default true")),
        .init("cursor", .string("nextCursor of the previous page")),
        .init("limit", .integer("page size (default 50)", minimum: 1, maximum: 1000)),
        .init("inlineThumbnails", .boolean("include thumbnailBase64 (default false)")),
    ]
    public static let result = Schema.object([
        .init("items", .array(GalleryImage.schema), required: true),
        .init("nextCursor", .string("absent on the last page")),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(filter: GalleryFilter(tags: ["cat"], favorite: true), limit: 20)
    public static let exampleResult = Result(items: [GalleryImage.example], nextCursor: nil)
}
