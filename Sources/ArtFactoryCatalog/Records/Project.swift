import GRDB

/// A project: a named body of work. Its `slug` names its folder in the gallery.
public struct Project: CatalogRecord, Identifiable {
    public static let databaseTableName = "projects"
    /// `prj_` id.
    public var id: String
    /// Unique, case-insensitive.
    public var name: String
    /// Unique, lowercase ASCII `[a-z0-9-]`, derived from the name at creation and then stable
    /// (renames keep it, so gallery paths never move).
    public var slug: String
    public var description: String
    /// Style profile applied by default to this project's generations (`prf_` id), if any.
    public var defaultProfileId: String?
    /// Name of a brand LoRA applied to this project's generations, if any.
    public var brandLora: String?
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: String = CatalogID.make(.project), name: String, slug: String, description: String = "",
                defaultProfileId: String? = nil, brandLora: String? = nil, createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.name = name
        self.slug = slug
        self.description = description
        self.defaultProfileId = defaultProfileId
        self.brandLora = brandLora
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A path-safe slug for `name`: lowercase ASCII letters and digits, other runs become `-`.
    public static func slug(for name: String) -> String {
        var out = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            if scalar.isASCII, (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) {
                if pendingDash, !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return out.isEmpty ? "project" : String(out.prefix(64))
    }
}
