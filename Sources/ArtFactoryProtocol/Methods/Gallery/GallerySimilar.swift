/// `gallery.similar`: "more like this": gallery images that look like a gallery image or a file,
/// ranked by a visual descriptor (layout, colours, edges), not by a learned embedding.
public enum GallerySimilar: RPCMethod {
    public static let method = "gallery.similar"
    public static let summary = "More like this: gallery images ranked by how alike they look to an image (id) or a file (path), by a pixel descriptor of layout, colour and edges (no semantics)."
    public static let details = """
        Give `id` (a gallery image; it is left out of the hits) or `path` (an absolute PNG, JPEG or WebP file under the home \
        or temporary directory, -32005 otherwise), not both. The descriptor (`visual-v1`) is measured from the pixels: an \
        8 x 8 grid of mean CIE Lab colours (layout), a soft Lab colour histogram and an edge-orientation histogram per image \
        quarter; `similarity` (0-1, 1 for identical pixels) is 0.5 layout + 0.3 colour + 0.2 edges. It finds near-duplicates, \
        variations and images of the same colours and arrangement; it knows nothing of what the image shows. Images get a \
        descriptor when they enter the gallery; older ones are measured here, at most 256 (about 2 s) per call, newest first \
        (`pending` says how many are still missing; ask again to rank them too). An image whose file is missing or unreadable \
        is skipped and counted in `unreadable`. Accepts the same `filter` as gallery.list. Unknown id: -32001; a file that is \
        not an image, or an id whose file cannot be read: -32602.
        """

    public struct Params: Codable, Sendable, Equatable {
        /// A gallery image to find more like.
        public var id: String?
        /// Or an absolute path of an image file.
        public var path: String?
        public var filter: GalleryFilter?
        /// 1-200, default 12.
        public var limit: Int?
        public var inlineThumbnails: Bool?

        public init(id: String? = nil, path: String? = nil, filter: GalleryFilter? = nil, limit: Int? = nil, inlineThumbnails: Bool? = nil) {
            self.id = id
            self.path = path
            self.filter = filter
            self.limit = limit
            self.inlineThumbnails = inlineThumbnails
        }
    }

    /// One similar image.
    public struct Hit: Codable, Sendable, Equatable {
        /// The image with its listing summary (prompt, seed, … as in gallery.search).
        public var image: GalleryImage
        /// 0-1, higher is more alike; the weighted sum of the three parts.
        public var similarity: Double
        /// Part scores, each 0-1: mean-colour layout, colour histogram, edge-orientation histogram.
        public var layout: Double
        public var color: Double
        public var edges: Double

        public init(image: GalleryImage, similarity: Double, layout: Double, color: Double, edges: Double) {
            self.image = image
            self.similarity = similarity
            self.layout = layout
            self.color = color
            self.edges = edges
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Best first; ties by newest.
        public var hits: [Hit]
        /// The descriptor version the ranking used (`visual-v1`).
        public var descriptor: String
        /// Images compared (those matching the filter that have a descriptor).
        public var compared: Int
        /// Descriptors measured by this call (images that had none).
        public var backfilled: Int
        /// Images matching the filter that still have no descriptor (measured by later calls).
        public var pending: Int
        /// Images matching the filter skipped because their file is missing or cannot be decoded.
        public var unreadable: Int

        public init(hits: [Hit], descriptor: String, compared: Int, backfilled: Int, pending: Int, unreadable: Int) {
            self.hits = hits
            self.descriptor = descriptor
            self.compared = compared
            self.backfilled = backfilled
            self.pending = pending
            self.unreadable = unreadable
        }
    }

    public static let params: [Schema.Property] = [
        .init("id", .string("gallery image to find more like (or give path)")),
        .init("path", .string("absolute path of a PNG, JPEG or WebP file (or give id)")),
        .init("filter", GalleryFilter.schema),
        .init("limit", .integer("how many hits (default 12)", minimum: 1, maximum: 200)),
        .init("inlineThumbnails", .boolean("include thumbnailBase64 (default false)")),
    ]
    public static let result = Schema.object([
        .init("hits", .array(.object([
            .init("image", GalleryImage.schema, required: true),
            .init("similarity", .number("0-1, higher is more alike", minimum: 0, maximum: 1), required: true),
            .init("layout", .number("0-1: 8 x 8 mean Lab colours", minimum: 0, maximum: 1), required: true),
            .init("color", .number("0-1: Lab colour histogram intersection", minimum: 0, maximum: 1), required: true),
            .init("edges", .number("0-1: edge-orientation histogram intersection", minimum: 0, maximum: 1), required: true),
        ])), required: true),
        .init("descriptor", .string("descriptor version, e.g. visual-v1"), required: true),
        .init("compared", .integer("images compared", minimum: 0), required: true),
        .init("backfilled", .integer("descriptors measured by this call", minimum: 0), required: true),
        .init("pending", .integer("matching images still without a descriptor", minimum: 0), required: true),
        .init("unreadable", .integer("matching images skipped: file missing or not decodable", minimum: 0), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.pathNotAllowed]
    public static let exampleParams = Params(id: "img_01J0000000000000000000000", limit: 12)
    public static let exampleResult = Result(hits: [Hit(image: GalleryImage.example, similarity: 0.93, layout: 0.95, color: 0.9, edges: 0.92)],
                                             descriptor: "visual-v1", compared: 240, backfilled: 0, pending: 0, unreadable: 0)
}
