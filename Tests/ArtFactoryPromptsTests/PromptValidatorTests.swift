import Testing
@testable import ArtFactoryPrompts

/// A counter with a fixed answer, to test window handling without a tokenizer.
private struct FixedCounter: TokenCounting {
    let tokens: Int
    let window: Int
    func tokenCount(_ text: String) -> Int { tokens }
}

@Suite struct PromptValidatorTests {
    let validator = PromptValidator()

    private func codes(_ prompt: String, profile: StyleProfile? = nil) -> [PromptWarning.Code] {
        validator.warnings(for: prompt, index: 0, profile: profile).map(\.code)
    }

    @Test func cleanPromptHasNoWarnings() {
        #expect(codes("a red fox in a forest, studio lighting").isEmpty)
    }

    @Test func lengthLimitIsAnErrorAt501Characters() throws {
        try PromptValidator.checkLength(String(repeating: "a", count: 500))
        #expect { try PromptValidator.checkLength(String(repeating: "é", count: 501)) } throws: { error in
            guard let error = error as? PromptError else { return false }
            return error.code == .tooLong && error.message.contains("501") && error.message.contains("by 1")
        }
    }

    @Test func knownConflictsAreReported() {
        #expect(codes("a city street at night, daylight") == [.conflictingTerms])
        #expect(codes("black and white photo, vibrant colors") == [.conflictingTerms])
        #expect(codes("close-up of a face, wide shot") == [.conflictingTerms])
        #expect(codes("minimalist poster, highly detailed") == [.conflictingTerms])
        let message = validator.warnings(for: "a day at the beach at night").first?.message
        #expect(message == "'day' conflicts with 'night'; keep one of them.")
    }

    @Test func conflictsMatchWholeWordsAndIgnoreWeights() {
        #expect(codes("a knight on a sunday").isEmpty)
        #expect(codes("(night:1.3), [day]") == [.conflictingTerms])
        #expect(codes("(minimalist:1.2) logo, (highly detailed:0.8)") == [.conflictingTerms])
    }

    @Test func emptyPromptWarns() {
        #expect(codes("   ") == [.emptyAfterExpansion])
    }

    @Test func overWindowUsesTheInjectedCounter() {
        let tight = PromptValidator(tokenCounter: FixedCounter(tokens: 80, window: 75))
        let warning = tight.warnings(for: "anything", index: 2).first
        #expect(warning?.code == .overWindow)
        #expect(warning?.promptIndex == 2)
        #expect(warning?.message.contains("80 tokens") == true)
        let roomy = PromptValidator(tokenCounter: FixedCounter(tokens: 75, window: 75))
        #expect(roomy.warnings(for: "anything").isEmpty)
    }

    @Test func missingLightingAndCompositionOnlyWhenExpected() {
        let expecting = StyleProfile(name: "brand", expectsComposition: true, expectsLighting: true)
        #expect(codes("a teapot", profile: expecting) == [.missingLighting, .missingComposition])
        #expect(codes("a teapot, soft light, close-up shot", profile: expecting).isEmpty)
        #expect(codes("a teapot", profile: StyleProfile(name: "relaxed")).isEmpty)
    }

    @Test func unbalancedEmphasisIsReportedWithColumn() {
        #expect(PromptValidator.emphasisProblem(in: "(a:1.2) [b] ((c))") == nil)
        #expect(PromptValidator.emphasisProblem(in: #"a \(literal\) paren"#) == nil)
        #expect(PromptValidator.emphasisProblem(in: "a (red car")?.contains("column 3") == true)
        #expect(PromptValidator.emphasisProblem(in: "a red) car")?.contains("column 6") == true)
        #expect(PromptValidator.emphasisProblem(in: "([x)]") != nil)
        #expect(codes("a (red car") == [.unbalancedEmphasis])
    }

    @Test func approximateCounterCountsWordsPiecesAndPunctuation() {
        let counter = ApproximateTokenCounter()
        #expect(counter.window == 75)
        #expect(counter.tokenCount("a red car") == 3)
        #expect(counter.tokenCount("a red car, blue sky") == 6)
        #expect(counter.tokenCount("photorealistic") == 2)
        #expect(counter.tokenCount("(red car:1.3)") == counter.tokenCount("red car"))
        #expect(counter.tokenCount("") == 0)
        let long = Array(repeating: "cat", count: 100).joined(separator: " ")
        #expect(counter.tokenCount(long) == 100)
    }
}
