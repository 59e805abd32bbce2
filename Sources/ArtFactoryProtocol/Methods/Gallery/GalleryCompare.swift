/// `gallery.compare`: which parameters differ between images' generations.
public enum GalleryCompare: RPCMethod {
    public static let method = "gallery.compare"
    public static let summary = "Compare the generations of two or more images: parameters that differ and those in common."
    public static let details = "Prompt, negative prompt, model, seed and every parameter (nested keys dotted) are compared. Images without a generation record cannot be compared (-32602)."

    public struct Params: Codable, Sendable, Equatable {
        /// Image ids, 2-20.
        public var ids: [String]
        public init(ids: [String]) { self.ids = ids }
    }

    /// One parameter that differs.
    public struct Difference: Codable, Sendable, Equatable {
        public var key: String
        /// One value per image, in `ids` order; null where absent.
        public var values: [JSONValue]
        public init(key: String, values: [JSONValue]) {
            self.key = key
            self.values = values
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var generationIds: [String]
        public var differences: [Difference]
        public var common: JSONValue
        public init(generationIds: [String], differences: [Difference], common: JSONValue) {
            self.generationIds = generationIds
            self.differences = differences
            self.common = common
        }
    }

    public static let params: [Schema.Property] = [
        .init("ids", .array(.string("image id"), "images to compare (2-20)", maxItems: 20), required: true),
    ]
    public static let result = Schema.object([
        .init("generationIds", .array(.string()), required: true),
        .init("differences", .array(.object([
            .init("key", .string("parameter name"), required: true),
            .init("values", .array(.any("value or null")), required: true),
        ])), required: true),
        .init("common", .object([], "parameters equal everywhere", additional: .any()), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(ids: ["img_01J0000000000000000000000", "img_01J0000000000000000000001"])
    public static let exampleResult = Result(generationIds: ["gen_01J0000000000000000000000", "gen_01J0000000000000000000001"],
                                             differences: [Difference(key: "seed", values: [1, 2])], common: ["steps": 20])
}
