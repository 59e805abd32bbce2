/// One gallery image as clients see it: catalog facts plus absolute file paths, so local clients
/// read the files directly.
public struct GalleryImage: Codable, Sendable, Equatable {
    public var id: String
    public var generationId: String?
    public var projectId: String?
    public var sessionId: String?
    public var model: String
    /// `input`, `mask`, `output` or `thumbnail`.
    public var role: String
    /// Absolute path of the original.
    public var path: String
    /// Absolute path of the WebP thumbnail.
    public var thumbnailPath: String?
    public var sha256: String
    public var width: Int
    public var height: Int
    public var bytes: Int64
    public var mime: String
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    public var pinned: Bool
    public var favorite: Bool
    /// 0 (unrated) to 5.
    public var rating: Int
    /// Thumbnail bytes, base64, when asked for with `inlineThumbnails`.
    public var thumbnailBase64: String?
    /// Listing summary (gallery.list, gallery.search): the generation's prompt, trimmed to 240
    /// characters; `gallery.get` has the whole text.
    public var prompt: String?
    public var negativePrompt: String?
    public var seed: Int64?
    public var steps: Int?
    public var sampler: String?
    /// Project name (listing summary).
    public var project: String?
    /// Tag names, sorted (listing summary).
    public var tags: [String]?

    public init(id: String, generationId: String? = nil, projectId: String? = nil, sessionId: String? = nil, model: String = "",
                role: String = "output", path: String, thumbnailPath: String? = nil, sha256: String, width: Int, height: Int,
                bytes: Int64, mime: String, createdAt: Int64, pinned: Bool = false, favorite: Bool = false, rating: Int = 0,
                thumbnailBase64: String? = nil, prompt: String? = nil, negativePrompt: String? = nil, seed: Int64? = nil,
                steps: Int? = nil, sampler: String? = nil, project: String? = nil, tags: [String]? = nil) {
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
        self.favorite = favorite
        self.rating = rating
        self.thumbnailBase64 = thumbnailBase64
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.steps = steps
        self.sampler = sampler
        self.project = project
        self.tags = tags
    }

    /// The schema shared by every method that returns images.
    public static let schema = Schema.object([
        .init("id", .string("image id"), required: true),
        .init("generationId", .string("generation it came from")),
        .init("projectId", .string()),
        .init("sessionId", .string()),
        .init("model", .string("model name, empty when unknown"), required: true),
        .init("role", .enumeration(["input", "mask", "output", "thumbnail"]), required: true),
        .init("path", .string("absolute path of the original"), required: true),
        .init("thumbnailPath", .string("absolute path of the WebP thumbnail")),
        .init("sha256", .string("hex SHA-256 of the file"), required: true),
        .init("width", .integer("pixels", minimum: 1), required: true),
        .init("height", .integer("pixels", minimum: 1), required: true),
        .init("bytes", .integer("file size", minimum: 0), required: true),
        .init("mime", .string("image/png, image/jpeg or image/webp"), required: true),
        .init("createdAt", .integer("milliseconds since the epoch"), required: true),
        .init("pinned", .boolean("kept by retention"), required: true),
        .init("favorite", .boolean(), required: true),
        .init("rating", .integer("0-5", minimum: 0, maximum: 5), required: true),
        .init("thumbnailBase64", .string("thumbnail bytes (WebP), base64; only with inlineThumbnails")),
        .init("prompt", .string("listings: the generation's prompt, trimmed to 240 characters (gallery.get has it whole)")),
        .init("negativePrompt", .string("listings: the negative prompt, trimmed")),
        .init("seed", .integer("listings: the generation's seed")),
        .init("steps", .integer("listings: sampling steps", minimum: 1)),
        .init("sampler", .string("listings: sampler name")),
        .init("project", .string("listings: project name")),
        .init("tags", .array(.string("tag name"), "listings: tag names, sorted")),
    ])

    public static let example = GalleryImage(
        id: "img_01J0000000000000000000000", generationId: "gen_01J0000000000000000000000", model: "sd15",
        path: "/home/me/.local/share/artfactory/gallery/unsorted/2026/01/img_01J0000000000000000000000.png",
        thumbnailPath: "/home/me/.local/share/artfactory/thumbnails/unsorted/2026/01/img_01J0000000000000000000000.webp",
        sha256: String(repeating: "0", count: 64), width: 512, height: 512, bytes: 401_234, mime: "image/png", createdAt: 1_767_225_600_000,
        prompt: "a red fox in the snow, watercolor", seed: 42, steps: 28, sampler: "euler_a", project: "Brand kit", tags: ["fox"])
}
