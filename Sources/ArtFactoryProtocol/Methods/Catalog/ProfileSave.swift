/// `profile.save`: create a style profile, or update the one with that id.
public enum ProfileSave: RPCMethod {
    public static let method = "profile.save"
    public static let summary = "Save a style profile (named weighted terms and 0-100 sliders): new without `id`, else an update."

    public struct Params: Codable, Sendable, Equatable {
        public var id: String?
        public var name: String
        public var description: String?
        public var terms: [ProfileInfo.Term]
        public var sliders: [String: Double]?
        public var sliderTerms: [String: String]?
        public var enabled: Bool?

        public init(id: String? = nil, name: String, description: String? = nil, terms: [ProfileInfo.Term],
                    sliders: [String: Double]? = nil, sliderTerms: [String: String]? = nil, enabled: Bool? = nil) {
            self.id = id
            self.name = name
            self.description = description
            self.terms = terms
            self.sliders = sliders
            self.sliderTerms = sliderTerms
            self.enabled = enabled
        }
    }

    public typealias Result = ProfileInfo

    public static let params: [Schema.Property] = [
        .init("id", .string("profile to update; absent creates one")),
        .init("name", .string("unique name", maxLength: 200), required: true),
        .init("description", .string()),
        .init("terms", .array(ProfileInfo.termSchema, "weighted terms", maxItems: 200), required: true),
        .init("sliders", .object([], "slider positions 0-100 by name (letters, digits, - or _; at most 32); each adds its term weighted 0.5 (at 1) to 1.5 (at 100), nothing at 0; generate's sliders override them per request. Absent on an update keeps them",
                                 additional: .number(minimum: 0, maximum: 100))),
        .init("sliderTerms", .object([], "the term a slider weights, by slider name (default: the name with - and _ as spaces); absent on an update keeps them",
                                     additional: .string(maxLength: 200))),
        .init("enabled", .boolean("default true")),
    ]
    public static let result = ProfileInfo.schema
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]
    public static let exampleParams = Params(name: "Brand look", terms: [ProfileInfo.Term(term: "teal and orange", weight: 1.2)])
    public static let exampleResult = ProfileInfo.example
}
