/// The settings of the `collection` and `campaign` batch strategies: a coordinated set of images
/// that lands in a named collection, with a contact sheet.
///
/// - collection: `pieces` (4, 6, 8 or 12) images of one concept, sharing `palette` and `style`
///   terms and a seed strategy, each with its own subject (`subjects`, filled into the prompt's
///   `{subject}` or put in front of it).
/// - campaign: one hero and `variants` (5-8) supporting images — detail, angle and mood variants
///   of the prompt. With `hero` (an existing image id) the variants are image-to-image from it
///   (`base.strength`, default 0.6) and the hero joins the collection; without, the hero is the
///   batch's first image and the variants share its seed.
public struct BatchSet: Codable, Sendable, Equatable {
    /// Name of the result collection (created; an existing name is -32002).
    public var collection: String
    public var pieces: Int?
    public var subjects: [String]?
    /// Shared palette terms (`teal`, `burnt orange`), recorded on every generation.
    public var palette: [String]?
    /// Shared style terms (`flat vector`, `soft grain`).
    public var style: [String]?
    /// `shared` (one seed for every piece, the default) or `sequential` (seed + i).
    public var seedStrategy: String?
    public var hero: String?
    public var variants: Int?

    public init(collection: String, pieces: Int? = nil, subjects: [String]? = nil, palette: [String]? = nil, style: [String]? = nil,
                seedStrategy: String? = nil, hero: String? = nil, variants: Int? = nil) {
        self.collection = collection
        self.pieces = pieces
        self.subjects = subjects
        self.palette = palette
        self.style = style
        self.seedStrategy = seedStrategy
        self.hero = hero
        self.variants = variants
    }

    public static let schema = Schema.object([
        .init("collection", .string("name of the result collection", maxLength: 200), required: true),
        .init("pieces", .integer("collection: 4, 6, 8 or 12", minimum: 4, maximum: 12)),
        .init("subjects", .array(.string(), "collection: one subject per piece", maxItems: 12)),
        .init("palette", .array(.string(), "shared palette terms", maxItems: 12)),
        .init("style", .array(.string(), "shared style terms", maxItems: 12)),
        .init("seedStrategy", .enumeration(["shared", "sequential"], "default shared")),
        .init("hero", .string("campaign: existing hero image id (variants by image-to-image)")),
        .init("variants", .integer("campaign: supporting images, 5-8 (default 6)", minimum: 5, maximum: 8)),
    ], "collection or campaign settings")
}
