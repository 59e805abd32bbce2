/// A style profile as clients see it: weighted terms and slider values.
public struct ProfileInfo: Codable, Sendable, Equatable {
    /// One weighted term.
    public struct Term: Codable, Sendable, Equatable {
        public var term: String
        public var weight: Double
        public init(term: String, weight: Double = 1) {
            self.term = term
            self.weight = weight
        }
    }

    public var id: String
    public var name: String
    public var description: String
    public var terms: [Term]
    /// Slider positions 0–100 by name.
    public var sliders: [String: Double]
    /// The term every slider weights, by name (its own name when none was set).
    public var sliderTerms: [String: String]
    public var enabled: Bool
    /// Last update, ms since the epoch.
    public var updatedAt: Int64

    public init(id: String, name: String, description: String, terms: [Term], sliders: [String: Double],
                sliderTerms: [String: String] = [:], enabled: Bool, updatedAt: Int64) {
        self.id = id
        self.name = name
        self.description = description
        self.terms = terms
        self.sliders = sliders
        self.sliderTerms = sliderTerms
        self.enabled = enabled
        self.updatedAt = updatedAt
    }

    static let termSchema = Schema.object([
        .init("term", .string("prompt words", maxLength: 500), required: true),
        .init("weight", .number("emphasis (1 = normal)"), required: true),
    ])
    public static let schema = Schema.object([
        .init("id", .string("profile id"), required: true),
        .init("name", .string(), required: true),
        .init("description", .string(), required: true),
        .init("terms", .array(termSchema), required: true),
        .init("sliders", .object([], "slider positions 0-100 by name: each adds its term weighted 0.5 (at 1) to 1.5 (at 100), nothing at 0",
                                 additional: .number()), required: true),
        .init("sliderTerms", .object([], "the term each slider weights, by name", additional: .string()), required: true),
        .init("enabled", .boolean(), required: true),
        .init("updatedAt", .integer("ms since the epoch"), required: true),
    ])
    public static let example = ProfileInfo(id: "prf_01J0000000000000000000000", name: "Brand look", description: "",
                                            terms: [Term(term: "teal and orange", weight: 1.2)], sliders: ["warmth": 70],
                                            sliderTerms: ["warmth": "warm golden light"], enabled: true, updatedAt: 1_767_225_600_000)
}
