import Foundation
import Testing
@testable import ArtFactoryPrompts

@Suite struct PromptPreviewerTests {
    let previewer = PromptPreviewer(expander: PromptExpander(wildcards: InMemoryWildcardSource([
        "animals": ["fox", "owl"], "blank": [" {|} "],
    ])))

    @Test func previewShowsExpandedAndFinalPromptsWithTokens() throws {
        let profile = StyleProfile(name: "brand", terms: [WeightedTerm("pastel palette", weight: 1.2)],
                                   negativeTerms: [WeightedTerm("watermark")])
        let preview = try previewer.preview(PromptRequest(
            prompt: "a {red|blue} __animals__", negativePrompt: "{blurry|lowres}", mode: .combinatorial, count: 10,
            enhancement: PromptEnhancement(profile: profile, lighting: .studio)))
        #expect(preview.expanded == ["a red fox", "a red owl", "a blue fox", "a blue owl"])
        #expect(preview.combinationCount == 4 && !preview.combinationCountCapped)
        #expect(preview.finals[0].prompt == "a red fox, (pastel palette:1.2), studio lighting, softbox")
        #expect(preview.finals[0].negativePrompt.hasSuffix(", watermark"))
        #expect(preview.finals[0].tokenCount == ApproximateTokenCounter().tokenCount(preview.finals[0].prompt))
        #expect(preview.tokenWindow == 75)
        #expect(preview.warnings.isEmpty)
    }

    @Test func randomPreviewIsReproducibleAndHasNoCombinationCount() throws {
        let request = PromptRequest(prompt: "{a|b|c} {d|e|f}", mode: .random(seed: 42), count: 5)
        let first = try previewer.preview(request)
        #expect(first == (try previewer.preview(request)))
        #expect(first.expanded.count == 5 && first.combinationCount == nil)
    }

    @Test func overLongPromptIsRejectedBeforeExpansion() {
        let request = PromptRequest(prompt: String(repeating: "x", count: 501) + " {")
        #expect { try previewer.preview(request) } throws: { ($0 as? PromptError)?.code == .tooLong }
    }

    @Test func brokenSyntaxIsAnErrorWithItsColumn() {
        #expect { try previewer.preview(PromptRequest(prompt: "a {red|blue car")) } throws: { error in
            (error as? PromptError)?.message.contains("unclosed '{' opened at column 3") == true
        }
    }

    @Test func emptyExpansionWarnsEvenWhenProfileAddsTerms() throws {
        let preview = try previewer.preview(PromptRequest(
            prompt: "__blank__", mode: .combinatorial, count: 5,
            enhancement: PromptEnhancement(profile: StyleProfile(name: "p", terms: [WeightedTerm("clean")]))))
        // `{|}` has two (empty) options, so two prompts, both empty before the profile.
        #expect(preview.finals.map(\.prompt) == ["clean", "clean"])
        #expect(preview.warnings.map(\.code) == [.emptyAfterExpansion, .emptyAfterExpansion])
        #expect(preview.warnings.map(\.promptIndex) == [0, 1])
    }

    @Test func conflictsBetweenPromptAndProfileAreWarned() throws {
        let profile = StyleProfile(name: "noir", terms: [WeightedTerm("black and white")])
        let preview = try previewer.preview(PromptRequest(prompt: "vibrant colors, a market",
                                                          enhancement: PromptEnhancement(profile: profile)))
        #expect(preview.warnings.allSatisfy { $0.code == .conflictingTerms })
        #expect(preview.warnings.count == 4)
        #expect(preview.warnings.map(\.promptIndex) == [0, 1, 2, 3])
    }

    @Test func missingLightingWarningGoesAwayWithAPreset() throws {
        let profile = StyleProfile(name: "brand", expectsLighting: true)
        let without = try previewer.preview(PromptRequest(prompt: "a vase", count: 1,
                                                          enhancement: PromptEnhancement(profile: profile)))
        #expect(without.warnings.map(\.code) == [.missingLighting])
        let with = try previewer.preview(PromptRequest(prompt: "a vase", count: 1,
                                                       enhancement: PromptEnhancement(profile: profile, lighting: .soft)))
        #expect(with.warnings.isEmpty)
    }

    @Test func templateIsRenderedThenExpanded() throws {
        let template = PromptTemplate(name: "t", text: "{{prompt}} in {{style|oil}} style")
        let preview = try previewer.preview(PromptRequest(prompt: "a {cat|dog}", template: template,
                                                          templateValues: ["style": "{oil|ink}"],
                                                          mode: .combinatorial, count: 10))
        #expect(preview.expanded == ["a cat in oil style", "a cat in ink style", "a dog in oil style", "a dog in ink style"])
    }

    @Test func combinationCountIsCappedForHugeSpaces() throws {
        let prompt = String(repeating: "{a|b|c|d|e|f|g|h|i|j}", count: 5)
        let preview = try previewer.preview(PromptRequest(prompt: prompt, mode: .combinatorial, count: 3))
        #expect(preview.expanded.count == 3)
        #expect(preview.combinationCount == PromptPreviewer.combinationCountLimit && preview.combinationCountCapped)
    }

    @Test func overWindowWarningForLongExpansions() throws {
        let words = (1...90).map { "w\($0)" }.joined(separator: " ")
        let preview = try previewer.preview(PromptRequest(prompt: words, count: 1))
        #expect(preview.warnings.map(\.code) == [.overWindow])
        #expect(preview.finals[0].tokenCount == 90)
    }

    @Test func longNegativePromptIsCountedAndWarned() throws {
        let negative = (1...80).map { "bad\($0)" }.joined(separator: " ")
        let preview = try previewer.preview(PromptRequest(prompt: "a fox", negativePrompt: negative, count: 1))
        #expect(preview.finals[0].negativeTokenCount == 80)
        #expect(preview.warnings.map(\.code) == [.overWindow])
        #expect(preview.warnings.first?.message.contains("negative prompt is 80 tokens") == true)
    }

    @Test func positiveAndNegativeOverWindowAreBothReported() throws {
        let words = (1...80).map { "w\($0)" }.joined(separator: " ")
        let preview = try previewer.preview(PromptRequest(prompt: words, negativePrompt: words, count: 1))
        #expect(preview.warnings.map(\.code) == [.overWindow, .overWindow])
    }

    @Test func brokenWildcardEntryIsCaughtEvenWhenNotPicked() {
        let source = InMemoryWildcardSource(["mixed": ["fine"] + Array(repeating: "fine", count: 50) + ["{broken"]])
        let strict = PromptPreviewer(expander: PromptExpander(wildcards: source))
        #expect { try strict.preview(PromptRequest(prompt: "__mixed__", mode: .random(seed: 1), count: 1)) } throws: {
            ($0 as? PromptError)?.message.contains("In wildcard 'mixed' entry 52") == true
        }
        #expect { try strict.preview(PromptRequest(prompt: "ok", negativePrompt: "__nope__")) } throws: {
            ($0 as? PromptError)?.code == .wildcardNotFound
        }
    }

    @Test func requestRoundTripsThroughJSON() throws {
        let request = PromptRequest(prompt: "a {cat|dog}", negativePrompt: "blurry",
                                    template: PromptTemplate(name: "t", text: "{{prompt}}", params: ["steps": 20]),
                                    variables: ["x": "y"], mode: .random(seed: 77), count: 3,
                                    enhancement: PromptEnhancement(profile: StyleProfile(name: "p"), profileEnabled: false,
                                                                   composition: .closeUp, lighting: .neon))
        let decoded = try JSONDecoder().decode(PromptRequest.self, from: JSONEncoder().encode(request))
        #expect(decoded == request)
        let preview = try previewer.preview(request)
        #expect(try JSONDecoder().decode(PromptPreview.self, from: JSONEncoder().encode(preview)) == preview)
    }
}
