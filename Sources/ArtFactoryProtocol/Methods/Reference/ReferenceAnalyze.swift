/// `reference.analyze`: attributes of up to 5 reference images, as suggestions for a prompt.
public enum ReferenceAnalyze: RPCMethod {
    public static let method = "reference.analyze"
    public static let summary = "Analyse up to 5 reference images (gallery ids or files): palette (k-means in Lab, named), brightness/contrast/saturation, composition; with confidences and suggested weighted prompt terms."
    public static let details = """
        Paths must be absolute and under the home or temporary directory (-32005), and be PNG, JPEG or WebP (-32006). \
        Each palette colour has its share of the pixels and a confidence (how tightly its pixels cluster). Scalar attributes \
        have a value 0-1, a label and a confidence (how far the value is from the label's edges). The suggestion lists \
        weighted prompt terms per attribute (accept or edit them, then pass them in generate's prompt) and the image to use \
        as generate's source for image-to-image.
        """

    public struct Params: Codable, Sendable, Equatable {
        /// Gallery image ids.
        public var ids: [String]?
        /// Absolute paths of image files.
        public var paths: [String]?
        /// Palette size 1-8 (default 5).
        public var colors: Int?

        public init(ids: [String]? = nil, paths: [String]? = nil, colors: Int? = nil) {
            self.ids = ids
            self.paths = paths
            self.colors = colors
        }
    }

    public struct PaletteColor: Codable, Sendable, Equatable {
        public var hex: String
        public var lab: [Double]
        /// Nearest everyday name and how far it is (ΔE*ab).
        public var name: String
        public var nameDistance: Double
        /// Share of the pixels, 0-1.
        public var share: Double
        public var confidence: Double
        public init(hex: String, lab: [Double], name: String, nameDistance: Double, share: Double, confidence: Double) {
            self.hex = hex
            self.lab = lab
            self.name = name
            self.nameDistance = nameDistance
            self.share = share
            self.confidence = confidence
        }
    }

    public struct Measure: Codable, Sendable, Equatable {
        /// 0-1.
        public var value: Double
        public var label: String
        public var confidence: Double
        public init(value: Double, label: String, confidence: Double) {
            self.value = value
            self.label = label
            self.confidence = confidence
        }
    }

    public struct Composition: Codable, Sendable, Equatable {
        /// Subject centre, 0-1 from the left and from the top.
        public var subjectX: Double
        public var subjectY: Double
        /// `center`, `upper left`, `right`, ... (3×3 grid).
        public var position: String
        public var positionConfidence: Double
        /// Left-right mirror similarity 0-1.
        public var symmetry: Measure
        /// width / height and its name (`square`, `landscape 3:2`, `portrait 4:5`, ...).
        public var aspectRatio: Double
        public var aspect: String
        public init(subjectX: Double, subjectY: Double, position: String, positionConfidence: Double, symmetry: Measure,
                    aspectRatio: Double, aspect: String) {
            self.subjectX = subjectX
            self.subjectY = subjectY
            self.position = position
            self.positionConfidence = positionConfidence
            self.symmetry = symmetry
            self.aspectRatio = aspectRatio
            self.aspect = aspect
        }
    }

    public struct Term: Codable, Sendable, Equatable {
        public var term: String
        /// Emphasis (1 neutral).
        public var weight: Double
        /// `palette`, `brightness`, `contrast`, `saturation`, `composition`, `symmetry`.
        public var attribute: String
        public var confidence: Double
        /// In prompt syntax: `(term:1.2)`.
        public var rendered: String
        public init(term: String, weight: Double, attribute: String, confidence: Double, rendered: String) {
            self.term = term
            self.weight = weight
            self.attribute = attribute
            self.confidence = confidence
            self.rendered = rendered
        }
    }

    public struct Reference: Codable, Sendable, Equatable {
        /// The id or path as given.
        public var input: String
        public var width: Int
        public var height: Int
        public var palette: [PaletteColor]
        public var brightness: Measure
        public var contrast: Measure
        public var saturation: Measure
        public var composition: Composition
        /// Suggested prompt terms, most confident first.
        public var terms: [Term]
        /// generate's source for image-to-image: the image id, or the resolved path.
        public var source: String
        public init(input: String, width: Int, height: Int, palette: [PaletteColor], brightness: Measure, contrast: Measure,
                    saturation: Measure, composition: Composition, terms: [Term], source: String) {
            self.input = input
            self.width = width
            self.height = height
            self.palette = palette
            self.brightness = brightness
            self.contrast = contrast
            self.saturation = saturation
            self.composition = composition
            self.terms = terms
            self.source = source
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var references: [Reference]
        public init(references: [Reference]) { self.references = references }
    }

    static let measure = Schema.object([
        .init("value", .number(minimum: 0, maximum: 1), required: true),
        .init("label", .string(), required: true),
        .init("confidence", .number(minimum: 0, maximum: 1), required: true),
    ])

    public static let params: [Schema.Property] = [
        .init("ids", .array(.string("image id"), "gallery images", maxItems: 5)),
        .init("paths", .array(.string("absolute path"), "image files", maxItems: 5)),
        .init("colors", .integer("palette size (default 5)", minimum: 1, maximum: 8)),
    ]
    public static let result = Schema.object([
        .init("references", .array(.object([
            .init("input", .string("id or path as given"), required: true),
            .init("width", .integer(), required: true),
            .init("height", .integer(), required: true),
            .init("palette", .array(.object([
                .init("hex", .string("#rrggbb"), required: true),
                .init("lab", .array(.number(), "L*, a*, b*"), required: true),
                .init("name", .string("nearest colour name"), required: true),
                .init("nameDistance", .number("ΔE*ab to the named colour", minimum: 0), required: true),
                .init("share", .number("share of pixels", minimum: 0, maximum: 1), required: true),
                .init("confidence", .number(minimum: 0, maximum: 1), required: true),
            ]), "largest first"), required: true),
            .init("brightness", measure, required: true),
            .init("contrast", measure, required: true),
            .init("saturation", measure, required: true),
            .init("composition", .object([
                .init("subjectX", .number(minimum: 0, maximum: 1), required: true),
                .init("subjectY", .number(minimum: 0, maximum: 1), required: true),
                .init("position", .string("3x3 grid cell"), required: true),
                .init("positionConfidence", .number(minimum: 0, maximum: 1), required: true),
                .init("symmetry", measure, required: true),
                .init("aspectRatio", .number("width / height"), required: true),
                .init("aspect", .string(), required: true),
            ]), required: true),
            .init("terms", .array(.object([
                .init("term", .string(), required: true),
                .init("weight", .number(), required: true),
                .init("attribute", .string(), required: true),
                .init("confidence", .number(minimum: 0, maximum: 1), required: true),
                .init("rendered", .string("(term:weight)"), required: true),
            ])), required: true),
            .init("source", .string("generate source for image-to-image"), required: true),
        ])), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.pathNotAllowed, RPCErrorCode.invalidFile]
    public static let exampleParams = Params(ids: ["img_01J0000000000000000000000"])
    public static let exampleResult = Result(references: [Reference(
        input: "img_01J0000000000000000000000", width: 512, height: 512,
        palette: [PaletteColor(hex: "#008080", lab: [48.3, -28.8, -8.5], name: "teal", nameDistance: 0, share: 0.6, confidence: 0.9)],
        brightness: Measure(value: 0.48, label: "medium", confidence: 0.8), contrast: Measure(value: 0.3, label: "medium", confidence: 0.5),
        saturation: Measure(value: 0.7, label: "vibrant", confidence: 0.6),
        composition: Composition(subjectX: 0.5, subjectY: 0.5, position: "center", positionConfidence: 0.7,
                                 symmetry: Measure(value: 0.95, label: "symmetric", confidence: 0.5), aspectRatio: 1, aspect: "square"),
        terms: [Term(term: "teal color palette", weight: 1.2, attribute: "palette", confidence: 0.9, rendered: "(teal color palette:1.2)")],
        source: "img_01J0000000000000000000000")])
}
