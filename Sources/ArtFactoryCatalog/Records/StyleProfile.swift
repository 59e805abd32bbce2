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
    /// Slider positions 0–100 by slider name (for example `"warmth": 70`); each adds its term with a
    /// weight from 0.5 (at 1) to 1.5 (at 100), and nothing at 0 (see ArtFactoryPrompts' StyleSlider).
    public var sliders: [String: Double]
    /// The term each slider weights, by slider name; a slider without one weights its own name with
    /// `-`/`_` read as spaces (`film-grain` -> "film grain").
    public var sliderTerms: [String: String]
    public var enabled: Bool
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: String = CatalogID.make(.profile), name: String, description: String = "",
                terms: [ProfileTerm] = [], sliders: [String: Double] = [:], sliderTerms: [String: String] = [:],
                enabled: Bool = true, createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.name = name
        self.description = description
        self.terms = terms
        self.sliders = sliders
        self.sliderTerms = sliderTerms
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension StyleProfile {
    /// Most sliders per profile.
    public static let maxSliders = 32

    /// The term slider `name` weights.
    public func sliderTerm(_ name: String) -> String {
        sliderTerms[name] ?? name.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
    }

    /// Whether `name` may name a slider: 1–64 letters, digits, `-` or `_`.
    public static func isSliderName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}
