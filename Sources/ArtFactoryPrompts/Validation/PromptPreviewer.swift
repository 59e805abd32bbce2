import Foundation

/// What to prepare: the user's prompt (or a template), how to expand it and what to add.
public struct PromptRequest: Sendable, Equatable, Codable {
    /// The prompt as typed (≤ ``PromptValidator/maximumLength`` characters); may use Dynamic Prompts syntax.
    public var prompt: String
    /// Negative prompt; may use syntax too (expanded in random mode with the same seed and index).
    public var negativePrompt: String
    /// When set, its rendered text is expanded instead of ``prompt``; ``prompt`` (if not empty) fills
    /// the template's `{{prompt}}` placeholder.
    public var template: PromptTemplate?
    /// Values for the template's placeholders.
    public var templateValues: [String: String]
    /// Values for `${variables}`.
    public var variables: [String: String]
    /// Random (seeded) or combinatorial.
    public var mode: ExpansionMode
    /// How many prompts to produce (random) or at most (combinatorial), 1...10 000.
    public var count: Int
    /// Profile and presets to apply.
    public var enhancement: PromptEnhancement

    public init(prompt: String, negativePrompt: String = "", template: PromptTemplate? = nil,
                templateValues: [String: String] = [:], variables: [String: String] = [:],
                mode: ExpansionMode = .random(seed: 0), count: Int = 4,
                enhancement: PromptEnhancement = PromptEnhancement()) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.template = template
        self.templateValues = templateValues
        self.variables = variables
        self.mode = mode
        self.count = count
        self.enhancement = enhancement
    }
}

/// One prompt ready for the engine, with its token count.
public struct FinalPrompt: Sendable, Equatable, Codable {
    /// Positive prompt for the engine.
    public var prompt: String
    /// Negative prompt for the engine.
    public var negativePrompt: String
    /// Tokens in ``prompt`` as counted by the injected ``TokenCounting``.
    public var tokenCount: Int
    /// Tokens in ``negativePrompt``.
    public var negativeTokenCount: Int
    /// Terms added by the profile and presets.
    public var addedTerms: [String]
    /// `<lora:name:weight>` tags in ``prompt``, in order; they stay in ``prompt`` (A1111 records them
    /// there) but are not tokenised: ``tokenCount`` counts the prompt without them.
    public var loras: [LoRATag] = []
}

/// The result of `prompt.preview` (and the prompts the daemon generates from).
public struct PromptPreview: Sendable, Equatable, Codable {
    /// Expanded prompts, before profile and presets.
    public var expanded: [String]
    /// The same prompts with profile and presets applied.
    public var finals: [FinalPrompt]
    /// Combinatorial mode: how many combinations exist, counted up to 10 000; `nil` in random mode.
    public var combinationCount: Int?
    /// `true` when there are more than ``combinationCount`` combinations.
    public var combinationCountCapped: Bool
    /// The encoder's token window.
    public var tokenWindow: Int
    /// Warnings for all prompts (each names its prompt index).
    public var warnings: [PromptWarning]
}

/// Expands, enhances and validates prompts: the whole prompt pipeline behind `generate`,
/// `batch.submit` and `prompt.preview`.
public struct PromptPreviewer: Sendable {
    /// Expands the prompt syntax.
    public var expander: PromptExpander
    /// Produces the warnings; holds the token counter.
    public var validator: PromptValidator
    /// Combinations are counted up to this many for the preview.
    public static let combinationCountLimit = 10_000

    /// Creates a previewer; pass the engine's CLIP tokenizer as `tokenCounter` in the daemon.
    public init(expander: PromptExpander = PromptExpander(), tokenCounter: any TokenCounting = ApproximateTokenCounter()) {
        self.expander = expander
        self.validator = PromptValidator(tokenCounter: tokenCounter)
    }

    /// Runs the pipeline.
    /// - Returns: the expanded and final prompts, token counts and warnings.
    /// - Throws: ``PromptError``: `prompt.too_long` for a prompt over 500 characters, syntax and
    ///   wildcard errors (every reachable wildcard entry is checked, not only the ones picked),
    ///   missing template values, invalid profile, invalid count.
    public func preview(_ request: PromptRequest) throws -> PromptPreview {
        try PromptValidator.checkLength(request.prompt)
        var source = request.prompt
        if let template = request.template {
            var values = request.templateValues
            if !request.prompt.isEmpty, values["prompt"] == nil { values["prompt"] = request.prompt }
            source = try template.render(values: values)
        }
        try expander.validate(source)
        try expander.validate(request.negativePrompt)
        let expanded = try expander.expand(source, mode: request.mode, maxCount: request.count,
                                           variables: request.variables)
        var combinationCount: Int?
        var capped = false
        if request.mode == .combinatorial {
            let counted = try expander.combinationCount(source, limit: Self.combinationCountLimit,
                                                        variables: request.variables)
            capped = counted > Self.combinationCountLimit
            combinationCount = min(counted, Self.combinationCountLimit)
        }
        let negativeSeed: UInt64
        if case .random(let seed) = request.mode { negativeSeed = seed } else { negativeSeed = 0 }
        let negativeNode = try expander.parser.parse(request.negativePrompt)

        var finals: [FinalPrompt] = []
        var warnings: [PromptWarning] = []
        let profile = request.enhancement.activeProfile
        for (index, prompt) in expanded.enumerated() {
            let negative = try expander.randomPrompt(negativeNode, seed: negativeSeed, index: index,
                                                     variables: request.variables)
            let enhanced = try PromptEnhancer.apply(prompt: prompt, negativePrompt: negative,
                                                    enhancement: request.enhancement)
            let counter = validator.tokenCounter
            let (encoded, loras) = try LoRATag.extract(from: enhanced.prompt)
            let tokens = counter.tokenCount(encoded)
            let negativeTokens = counter.tokenCount(enhanced.negativePrompt)
            finals.append(FinalPrompt(prompt: enhanced.prompt, negativePrompt: enhanced.negativePrompt,
                                      tokenCount: tokens, negativeTokenCount: negativeTokens,
                                      addedTerms: enhanced.addedTerms, loras: loras))
            if negativeTokens > counter.window {
                warnings.append(PromptWarning(code: .overWindow,
                                              message: "The negative prompt is \(negativeTokens) tokens; the text encoder "
                                                  + "reads \(counter.window) at a time. Shorten it or drop the "
                                                  + "profile's less important negative terms.", promptIndex: index))
            }
            if prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                warnings.append(PromptWarning(code: .emptyAfterExpansion,
                                              message: "Prompt \(index + 1) is empty after expansion; check for empty "
                                                  + "variants or wildcard entries.", promptIndex: index))
            }
            let expandedEmpty = prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            for warning in validator.warnings(for: enhanced.prompt, index: index, profile: profile)
            where !(expandedEmpty && warning.code == .emptyAfterExpansion) {
                warnings.append(warning)
            }
        }
        return PromptPreview(expanded: expanded, finals: finals, combinationCount: combinationCount,
                             combinationCountCapped: capped, tokenWindow: validator.tokenCounter.window,
                             warnings: warnings)
    }
}
