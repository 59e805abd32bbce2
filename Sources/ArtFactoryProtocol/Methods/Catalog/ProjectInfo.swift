/// A project as clients see it.
public struct ProjectInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// Folder name under gallery/ (stable after creation).
    public var slug: String
    public var description: String
    public var defaultProfileId: String?
    /// The LoRA every generation in the project applies (`project.setBrandLora`), if any.
    public var brandLora: LoRAWeight?
    /// Milliseconds since the epoch.
    public var createdAt: Int64

    public init(id: String, name: String, slug: String, description: String = "", defaultProfileId: String? = nil, createdAt: Int64) {
        self.id = id
        self.name = name
        self.slug = slug
        self.description = description
        self.defaultProfileId = defaultProfileId
        self.createdAt = createdAt
    }

    public static let schema = Schema.object([
        .init("id", .string("project id"), required: true),
        .init("name", .string(), required: true),
        .init("slug", .string("folder name under gallery/"), required: true),
        .init("description", .string(), required: true),
        .init("defaultProfileId", .string("style profile applied by default")),
        .init("brandLora", LoRAWeight.schema),
        .init("createdAt", .integer("ms since the epoch"), required: true),
    ])
    public static let example = ProjectInfo(id: "prj_01J0000000000000000000000", name: "Autumn campaign", slug: "autumn-campaign",
                                            createdAt: 1_767_225_600_000)
}
