import Foundation
import Testing
@testable import ArtFactoryPrompts

@Suite struct StyleProfileTests {
    let brand = StyleProfile(
        name: "Acme",
        terms: [WeightedTerm("pastel palette", weight: 1.2), WeightedTerm("clean")],
        negativeTerms: [WeightedTerm("watermark", weight: 1.3), WeightedTerm("blurry")],
        sliders: [StyleSlider(name: "vibrancy", term: "vibrant colors", value: 75)])

    @Test func weightedTermsUseA1111Syntax() {
        #expect(WeightedTerm("glow", weight: 1.2).rendered == "(glow:1.2)")
        #expect(WeightedTerm("glow", weight: 1).rendered == "glow")
        #expect(WeightedTerm("glow", weight: 0.755).rendered == "(glow:0.76)")
        #expect(WeightedTerm("glow", weight: 1.5).rendered == "(glow:1.5)")
        #expect(WeightedTerm("logo (small)", weight: 0.8).rendered == #"(logo \(small\):0.8)"#)
    }

    @Test func invalidWeightsAreRejected() {
        #expect { try WeightedTerm("x", weight: -1).validate() } throws: { ($0 as? PromptError)?.code == .invalidProfile }
        #expect { try WeightedTerm("x", weight: .nan).validate() } throws: { ($0 as? PromptError)?.code == .invalidProfile }
        #expect { try WeightedTerm("  ", weight: 1).validate() } throws: { ($0 as? PromptError)?.code == .invalidProfile }
    }

    @Test func sliderMapsZeroToOffAndLinearWeights() throws {
        func weight(_ value: Int) throws -> Double? {
            try StyleSlider(name: "vibrancy", term: "vibrant colors", value: value).weightedTerm()?.weight
        }
        #expect(try weight(0) == nil)
        #expect(try weight(1) == 0.51)
        #expect(try weight(25) == 0.75)
        #expect(try weight(50) == 1.0)
        #expect(try weight(100) == 1.5)
        let custom = StyleSlider(name: "grit", term: "film grain", value: 50, minimumWeight: 1, maximumWeight: 2)
        #expect(try custom.weightedTerm()?.rendered == "(film grain:1.5)")
    }

    @Test func sliderOutOfRangeIsAnError() {
        #expect { try StyleSlider(name: "v", term: "t", value: 101).weightedTerm() } throws: { error in
            (error as? PromptError)?.message.contains("0 (off) to 100") == true
        }
        #expect { try StyleSlider(name: "v", term: "t", value: 10, minimumWeight: 2, maximumWeight: 1).weightedTerm() }
            throws: { ($0 as? PromptError)?.code == .invalidProfile }
    }

    @Test func profileTermsAreAppendedWithNegatives() throws {
        let result = try PromptEnhancer.apply(prompt: "a teapot", negativePrompt: "text",
                                              enhancement: PromptEnhancement(profile: brand))
        #expect(result.prompt == "a teapot, (pastel palette:1.2), clean, (vibrant colors:1.25)")
        #expect(result.negativePrompt == "text, (watermark:1.3), blurry")
        #expect(result.addedTerms.count == 5)
    }

    @Test func requestSliderValuesOverrideTheProfile() throws {
        var result = try PromptEnhancer.apply(prompt: "a teapot", enhancement: PromptEnhancement(
            profile: brand, sliderValues: ["vibrancy": 100]))
        #expect(result.prompt.hasSuffix("(vibrant colors:1.5)"))
        result = try PromptEnhancer.apply(prompt: "a teapot", enhancement: PromptEnhancement(
            profile: brand, sliderValues: ["vibrancy": 0]))
        #expect(!result.prompt.contains("vibrant"))
        #expect { try PromptEnhancer.apply(prompt: "a", enhancement: PromptEnhancement(profile: brand,
                                                                                      sliderValues: ["luxury": 50])) }
            throws: { ($0 as? PromptError)?.message.contains("its sliders are vibrancy") == true }
        #expect { try PromptEnhancer.apply(prompt: "a", enhancement: PromptEnhancement(profile: brand,
                                                                                      sliderValues: ["vibrancy": 150])) }
            throws: { ($0 as? PromptError)?.code == .invalidProfile }
    }

    @Test func profileCanBePrepended() throws {
        var profile = brand
        profile.placement = .prepend
        profile.sliders = []
        let result = try PromptEnhancer.apply(prompt: "a teapot", enhancement: PromptEnhancement(profile: profile))
        #expect(result.prompt == "(pastel palette:1.2), clean, a teapot")
    }

    @Test func profileTurnedOffAddsNothingButPresetsStillApply() throws {
        let result = try PromptEnhancer.apply(prompt: "a teapot", negativePrompt: "",
                                              enhancement: PromptEnhancement(profile: brand, profileEnabled: false,
                                                                             lighting: .studio))
        #expect(result.prompt == "a teapot, studio lighting, softbox")
        #expect(result.negativePrompt == "")
    }

    @Test func presetsAddTheirTermsAndRequestOverridesProfile() throws {
        var profile = StyleProfile(name: "p", composition: .centered, lighting: .goldenHour)
        var result = try PromptEnhancer.apply(prompt: "a fox", enhancement: PromptEnhancement(profile: profile))
        #expect(result.prompt == "a fox, centered composition, subject in the center, golden hour lighting, warm sunlight")
        result = try PromptEnhancer.apply(prompt: "a fox", enhancement: PromptEnhancement(
            profile: profile, composition: .closeUp, lighting: .neon))
        #expect(result.prompt == "a fox, close-up, detailed subject, neon lighting, glowing neon signs")
        profile.lighting = nil
        result = try PromptEnhancer.apply(prompt: "a fox", enhancement: PromptEnhancement(profile: profile))
        #expect(!result.prompt.contains("golden"))
    }

    @Test func termsAlreadyInThePromptAreNotRepeated() throws {
        let result = try PromptEnhancer.apply(prompt: "a CLEAN room, (pastel palette:1.1)",
                                              enhancement: PromptEnhancement(profile: brand))
        #expect(result.prompt == "a CLEAN room, (pastel palette:1.1), (vibrant colors:1.25)")
    }

    @Test func everyPresetHasTermsAndAStableIdentifier() throws {
        for preset in CompositionPreset.allCases {
            #expect(!preset.terms.isEmpty && !preset.displayName.isEmpty)
            #expect(CompositionPreset(rawValue: preset.rawValue) == preset)
        }
        for preset in LightingPreset.allCases {
            #expect(!preset.terms.isEmpty && !preset.displayName.isEmpty)
        }
        #expect(CompositionPreset(rawValue: "birds-eye")?.terms.first == "bird's-eye view")
        #expect(LightingPreset(rawValue: "golden-hour") == .goldenHour)
    }

    @Test func builtInPresetsNeverConflictWithEachOther() throws {
        let validator = PromptValidator()
        for composition in CompositionPreset.allCases {
            for lighting in LightingPreset.allCases {
                let result = try PromptEnhancer.apply(prompt: "a leather handbag", enhancement: PromptEnhancement(
                    composition: composition, lighting: lighting))
                let conflicts = validator.warnings(for: result.prompt).filter { $0.code == .conflictingTerms }
                #expect(conflicts.isEmpty, "\(composition) + \(lighting): \(conflicts.map(\.message))")
            }
        }
    }

    @Test func presetsSatisfyTheProfileExpectations() throws {
        let profile = StyleProfile(name: "brand", expectsComposition: true, expectsLighting: true)
        let validator = PromptValidator()
        for composition in CompositionPreset.allCases {
            let text = try PromptEnhancer.apply(prompt: "a shoe", enhancement: PromptEnhancement(
                composition: composition, lighting: .studio)).prompt
            #expect(!validator.warnings(for: text, profile: profile).contains { $0.code == .missingComposition },
                    "\(composition) should count as a composition")
        }
        for lighting in LightingPreset.allCases {
            let text = try PromptEnhancer.apply(prompt: "a shoe", enhancement: PromptEnhancement(
                composition: .centered, lighting: lighting)).prompt
            #expect(!validator.warnings(for: text, profile: profile).contains { $0.code == .missingLighting },
                    "\(lighting) should count as lighting")
        }
    }

    @Test func invalidProfileTermFailsEnhancement() {
        let bad = StyleProfile(name: "bad", terms: [WeightedTerm("x", weight: 9)])
        #expect { try PromptEnhancer.apply(prompt: "a", enhancement: PromptEnhancement(profile: bad)) } throws: {
            ($0 as? PromptError)?.code == .invalidProfile
        }
    }

    @Test func profileRoundTripsThroughJSON() throws {
        var profile = brand
        profile.composition = .ruleOfThirds
        profile.expectsLighting = true
        let decoded = try JSONDecoder().decode(StyleProfile.self, from: JSONEncoder().encode(profile))
        #expect(decoded == profile)
    }
}
