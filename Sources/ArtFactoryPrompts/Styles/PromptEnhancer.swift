import Foundation

/// What to add to a prompt: a style profile (unless switched off) and composition/lighting presets.
public struct PromptEnhancement: Sendable, Equatable, Codable {
    /// The profile, e.g. the project's brand profile.
    public var profile: StyleProfile?
    /// `false` applies nothing from ``profile`` (the request's `--no-profile`).
    public var profileEnabled: Bool
    /// Composition for this request; overrides the profile's.
    public var composition: CompositionPreset?
    /// Lighting for this request; overrides the profile's.
    public var lighting: LightingPreset?
    /// Slider positions (0...100) for this request by slider name; override the profile's values.
    public var sliderValues: [String: Int]

    /// Creates an enhancement; with no arguments it adds nothing.
    public init(profile: StyleProfile? = nil, profileEnabled: Bool = true,
                composition: CompositionPreset? = nil, lighting: LightingPreset? = nil,
                sliderValues: [String: Int] = [:]) {
        self.profile = profile
        self.profileEnabled = profileEnabled
        self.composition = composition
        self.lighting = lighting
        self.sliderValues = sliderValues
    }

    /// The profile when it applies, with the request's slider values set.
    /// - Throws: ``PromptError`` (`prompt.invalid_profile`) for a slider the profile does not have.
    func resolvedProfile() throws -> StyleProfile? {
        guard profileEnabled, var profile else { return nil }
        for (name, value) in sliderValues.sorted(by: { $0.key < $1.key }) {
            guard let index = profile.sliders.firstIndex(where: { $0.name == name }) else {
                let known = profile.sliders.map(\.name)
                throw PromptError(code: .invalidProfile,
                                  message: "Profile '\(profile.name)' has no slider '\(name)'; "
                                      + (known.isEmpty ? "it has no sliders." : "its sliders are \(known.joined(separator: ", ")).")
                )
            }
            profile.sliders[index].value = value
        }
        return profile
    }

    /// The profile when it applies (slider overrides not applied).
    var activeProfile: StyleProfile? { profileEnabled ? profile : nil }
}

/// A prompt ready for the engine.
public struct EnhancedPrompt: Sendable, Equatable, Codable {
    /// Positive prompt with profile and presets applied.
    public var prompt: String
    /// Negative prompt with the profile's negative terms applied.
    public var negativePrompt: String
    /// The rendered terms that were added (positive, then negative), for display.
    public var addedTerms: [String]

    /// Creates a result (normally made by ``PromptEnhancer/apply(prompt:negativePrompt:enhancement:)``).
    public init(prompt: String, negativePrompt: String, addedTerms: [String]) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.addedTerms = addedTerms
    }
}

/// Applies style profiles and presets to prompts.
public enum PromptEnhancer {
    /// Adds the profile's terms (placed as the profile says), then composition, then lighting terms,
    /// joined with `", "`. A term whose words already occur in the prompt is not added again.
    /// - Parameters:
    ///   - prompt: the expanded user prompt.
    ///   - negativePrompt: the user's negative prompt.
    ///   - enhancement: profile (if enabled) and presets.
    /// - Throws: ``PromptError`` (`prompt.invalid_profile`) for an invalid profile.
    public static func apply(prompt: String, negativePrompt: String = "",
                             enhancement: PromptEnhancement) throws -> EnhancedPrompt {
        let profile = try enhancement.resolvedProfile()
        let existing = TermText(prompt)
        var seen = Set<String>()
        func fresh(_ terms: [WeightedTerm], against text: TermText) -> [String] {
            terms.filter { term in
                let key = TermText.words(term.term).joined(separator: " ")
                return !text.contains(term.term) && seen.insert(key).inserted
            }.map(\.rendered)
        }

        let profileTerms = fresh(try profile?.positiveTerms() ?? [], against: existing)
        let composition = enhancement.composition ?? profile?.composition
        let lighting = enhancement.lighting ?? profile?.lighting
        let presetTerms = fresh(((composition?.terms ?? []) + (lighting?.terms ?? [])).map { WeightedTerm($0) },
                                against: existing)

        var parts: [String] = []
        let trimmed = prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        if profile?.placement == .prepend {
            parts = profileTerms + [trimmed] + presetTerms
        } else {
            parts = [trimmed] + profileTerms + presetTerms
        }
        let positive = parts.filter { !$0.isEmpty }.joined(separator: ", ")

        seen.removeAll()
        let negativeTerms = fresh(profile?.negativeTerms ?? [], against: TermText(negativePrompt))
        let trimmedNegative = negativePrompt.trimmingCharacters(in: .whitespacesAndNewlines)
        let negative = ([trimmedNegative] + negativeTerms).filter { !$0.isEmpty }.joined(separator: ", ")
        return EnhancedPrompt(prompt: positive, negativePrompt: negative,
                              addedTerms: profileTerms + presetTerms + negativeTerms)
    }
}
