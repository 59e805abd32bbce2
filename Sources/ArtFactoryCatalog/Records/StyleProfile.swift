import GRDB

/// One weighted term of a style profile (`"cinematic lighting"` at 1.2).
public struct ProfileTerm: Codable, Sendable, Hashable {
    public var term: String
    public var weight: Double
    public init(term: String, weight: Double = 1) {
        self.term = term
        self.weight = weight
    }
}

/// A style profile: a named list of weighted terms plus slider values; one may be a project's default.
public struct StyleProfile: CatalogRecord, Identifiable {
    public static let databaseTableName = "profiles"
    /// `prf_` id.
    public var id: String
    /// Unique, case-insensitive.
    public var name: String
    public var description: String
    public var terms: [ProfileTerm]
    /// Named slider values (for example `"saturation": 0.3`).
    public var sliders: [String: Double]
    public var enabled: Bool
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: String = CatalogID.make(.profile), name: String, description: String = "",
                terms: [ProfileTerm] = [], sliders: [String: Double] = [:], enabled: Bool = true,
                createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.name = name
        self.description = description
        self.terms = terms
        self.sliders = sliders
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
