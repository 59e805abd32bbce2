/// A style profile ("brand DNA"): terms applied automatically to prompts, negative terms, sliders and
/// the composition and lighting a brand expects. Applied by ``PromptEnhancer``; can be switched off
/// per request.
public struct StyleProfile: Sendable, Equatable, Codable {
    /// Where the profile's terms go relative to the user's prompt.
    public enum Placement: String, Sendable, Codable {
        case append
        case prepend
    }

    /// Profile name, e.g. the brand.
    public var name: String
    /// Terms added to the prompt, in order.
    public var terms: [WeightedTerm]
    /// Terms added to the negative prompt.
    public var negativeTerms: [WeightedTerm]
    /// Sliders, each adding one weighted term (see ``StyleSlider``).
    public var sliders: [StyleSlider]
    /// Whether ``terms`` go before or after the user prompt (default after).
    public var placement: Placement
    /// Composition applied unless the request picks another.
    public var composition: CompositionPreset?
    /// Lighting applied unless the request picks another.
    public var lighting: LightingPreset?
    /// Warn (`missingComposition`) when the final prompt says nothing about composition.
    public var expectsComposition: Bool
    /// Warn (`missingLighting`) when the final prompt says nothing about lighting.
    public var expectsLighting: Bool

    /// Creates a profile; terms and sliders are validated when applied.
    public init(name: String, terms: [WeightedTerm] = [], negativeTerms: [WeightedTerm] = [],
                sliders: [StyleSlider] = [], placement: Placement = .append,
                composition: CompositionPreset? = nil, lighting: LightingPreset? = nil,
                expectsComposition: Bool = false, expectsLighting: Bool = false) {
        self.name = name
        self.terms = terms
        self.negativeTerms = negativeTerms
        self.sliders = sliders
        self.placement = placement
        self.composition = composition
        self.lighting = lighting
        self.expectsComposition = expectsComposition
        self.expectsLighting = expectsLighting
    }

    /// The profile's own positive terms: ``terms`` then the sliders' terms (sliders at 0 omitted).
    /// - Throws: ``PromptError`` (`prompt.invalid_profile`) for an invalid term or slider.
    public func positiveTerms() throws -> [WeightedTerm] {
        for term in terms + negativeTerms { try term.validate() }
        return try terms + sliders.compactMap { try $0.weightedTerm() }
    }
}
