/// `prompt.preview`: what a prompt expands to and how it fits the text encoder, without generating.
public enum PromptPreview: RPCMethod {
    public static let method = "prompt.preview"
    public static let summary = "Expand a prompt (Dynamic Prompts syntax, wildcards) and count its CLIP tokens, with warnings."
    public static let details = """
        Random mode uses the seed (image i of a generation gets prompt i); combinatorial mode lists combinations \
        in order. Warnings: over the token window, conflicting terms, empty after expansion, unbalanced emphasis.
        """

    public struct Params: Codable, Sendable, Equatable {
        /// The prompt (≤ 500 characters).
        public var prompt: String
        public var negativePrompt: String?
        /// Prompts to produce (1…100, default 4).
        public var count: Int?
        /// `random` (default) or `combinatorial`.
        public var mode: String?
        /// Seed for random mode (default 0).
        public var seed: Int64?
        public init(prompt: String, negativePrompt: String? = nil, count: Int? = nil, mode: String? = nil, seed: Int64? = nil) {
            self.prompt = prompt
            self.negativePrompt = negativePrompt
            self.count = count
            self.mode = mode
            self.seed = seed
        }
    }

    /// One prompt ready for the engine.
    public struct Final: Codable, Sendable, Equatable {
        public var prompt: String
        public var negativePrompt: String
        /// CLIP tokens (without begin/end markers).
        public var tokenCount: Int
        public var negativeTokenCount: Int
        /// The prompt's `<lora:name:weight>` tags, in order (not tokenised: `tokenCount` leaves them out).
        public var loras: [LoRAWeight]?
        public init(prompt: String, negativePrompt: String, tokenCount: Int, negativeTokenCount: Int, loras: [LoRAWeight]? = nil) {
            self.prompt = prompt
            self.negativePrompt = negativePrompt
            self.tokenCount = tokenCount
            self.negativeTokenCount = negativeTokenCount
            self.loras = loras
        }
    }

    /// A validation warning.
    public struct Warning: Codable, Sendable, Equatable {
        /// over_window, conflicting_terms, empty_after_expansion, missing_lighting, missing_composition, unbalanced_emphasis, unknown_lora.
        public var code: String
        public var message: String
        /// The prompt it concerns (index into `finals`), if one.
        public var promptIndex: Int?
        public init(code: String, message: String, promptIndex: Int?) {
            self.code = code
            self.message = message
            self.promptIndex = promptIndex
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var finals: [Final]
        /// Combinatorial mode: how many combinations exist (counted up to 10 000).
        public var combinationCount: Int?
        /// Tokens the encoder reads in one pass (75 for CLIP).
        public var tokenWindow: Int
        public var warnings: [Warning]
        public init(finals: [Final], combinationCount: Int?, tokenWindow: Int, warnings: [Warning]) {
            self.finals = finals
            self.combinationCount = combinationCount
            self.tokenWindow = tokenWindow
            self.warnings = warnings
        }
    }

    public static let params: [Schema.Property] = [
        .init("prompt", .string("prompt to expand", maxLength: Generate.maxPromptLength), required: true),
        .init("negativePrompt", .string("negative prompt")),
        .init("count", .integer("prompts to produce", minimum: 1, maximum: 100)),
        .init("mode", .enumeration(["random", "combinatorial"], "expansion mode")),
        .init("seed", .integer("random-mode seed", minimum: 0)),
    ]
    public static let result = Schema.object([
        .init("finals", .array(.object([
            .init("prompt", .string(), required: true),
            .init("negativePrompt", .string(), required: true),
            .init("tokenCount", .integer(minimum: 0), required: true),
            .init("negativeTokenCount", .integer(minimum: 0), required: true),
            .init("loras", .array(LoRAWeight.schema, "the prompt's <lora:name:weight> tags (not tokenised)")),
        ])), required: true),
        .init("combinationCount", .integer("combinations (combinatorial mode)", minimum: 0)),
        .init("tokenWindow", .integer("encoder window", minimum: 1), required: true),
        .init("warnings", .array(.object([
            .init("code", .string(), required: true),
            .init("message", .string(), required: true),
            .init("promptIndex", .integer(minimum: 0)),
        ])), required: true),
    ])
    public static let exampleParams = Params(prompt: "a {red|blue} lighthouse", count: 2, mode: "combinatorial")
    public static let exampleResult = Result(finals: [
        Final(prompt: "a red lighthouse", negativePrompt: "", tokenCount: 3, negativeTokenCount: 0),
        Final(prompt: "a blue lighthouse", negativePrompt: "", tokenCount: 3, negativeTokenCount: 0),
    ], combinationCount: 2, tokenWindow: 75, warnings: [])
}
