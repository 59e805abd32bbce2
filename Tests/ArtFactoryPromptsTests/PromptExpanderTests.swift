import Testing
@testable import ArtFactoryPrompts

@Suite struct PromptExpanderTests {
    let plain = PromptExpander()

    private func all(_ text: String, _ expander: PromptExpander? = nil, max: Int = 1000) throws -> [String] {
        try (expander ?? plain).expand(text, mode: .combinatorial, maxCount: max)
    }

    @Test func combinatorialVariesLeftmostChoiceSlowest() throws {
        #expect(try all("A {red|green|blue} {square|circle}") == [
            "A red square", "A red circle", "A green square", "A green circle", "A blue square", "A blue circle",
        ])
    }

    @Test func combinatorialStopsAtMaxCount() throws {
        #expect(try all("{a|b|c} {d|e|f}", max: 4) == ["a d", "a e", "a f", "b d"])
    }

    @Test func combinatorialIsLazyOverHugeSpaces() throws {
        // 10^12 combinations: only the first three are ever built.
        let text = String(repeating: "{0|1|2|3|4|5|6|7|8|9}", count: 12)
        #expect(try all(text, max: 3) == ["000000000000", "000000000001", "000000000002"])
    }

    @Test func severalWithDefaultSeparatorAreCombinations() throws {
        #expect(try all("{2$$a|b|c}") == ["a, b", "a, c", "b, c"])
    }

    @Test func customSeparator() throws {
        #expect(try all("{2$$ and $$x|y}") == ["x and y"])
    }

    @Test func rangeProducesEverySizeSmallestFirst() throws {
        #expect(try all("{1-2$$a|b|c}") == ["a", "b", "c", "a, b", "a, c", "b, c"])
        #expect(try all("{-2$$a|b|c}").count == 6)
        #expect(try all("{2-$$a|b|c}") == ["a, b", "a, c", "b, c", "a, b, c"])
        #expect(try all("{0-1$$a|b}") == ["", "a", "b"])
    }

    @Test func countAboveAvailableTakesAll() throws {
        #expect(try all("p {4$$chocolate|vanilla|strawberry}") == ["p chocolate, vanilla, strawberry"])
    }

    @Test func nestedVariantsFlatten() throws {
        #expect(try all("{a|{b|c}} x") == ["a x", "b x", "c x"])
    }

    @Test func combinationCountStopsPastLimit() throws {
        #expect(try plain.combinationCount("{a|b} {c|d|e}") == 6)
        #expect(try plain.combinationCount("{a|b|c} {a|b|c}", limit: 4) == 5)
    }

    @Test func randomModeIsReproducibleForASeed() throws {
        let text = "{red|green|blue|black|white} {cat|dog|bird|fish} {1-3$$big|small|old|new}"
        let first = try plain.expand(text, mode: .random(seed: 1234), maxCount: 8)
        let second = try plain.expand(text, mode: .random(seed: 1234), maxCount: 8)
        let other = try plain.expand(text, mode: .random(seed: 99), maxCount: 8)
        #expect(first == second)
        #expect(first != other)
        #expect(first.count == 8)
    }

    @Test func randomPromptDependsOnlyOnSeedAndIndex() throws {
        let text = "{a|b|c|d|e|f|g|h} {1|2|3|4|5|6|7|8}"
        let ten = try plain.expand(text, mode: .random(seed: 7), maxCount: 10)
        let three = try plain.expand(text, mode: .random(seed: 7), maxCount: 3)
        #expect(Array(ten.prefix(3)) == three)
        #expect(try plain.randomPrompt(text, seed: 7, index: 5) == ten[5])
    }

    @Test func randomModeCoversAllOptions() throws {
        let prompts = Set(try plain.expand("{a|b|c}", mode: .random(seed: 3), maxCount: 200))
        #expect(prompts == ["a", "b", "c"])
    }

    @Test func randomWeightsSkewFrequencies() throws {
        let prompts = try plain.expand("{9::heavy|1::light}", mode: .random(seed: 11), maxCount: 2000)
        let heavy = prompts.filter { $0 == "heavy" }.count
        #expect(heavy > 1650 && heavy < 1950)
        let never = try plain.expand("{0::never|always}", mode: .random(seed: 5), maxCount: 300)
        #expect(!never.contains("never"))
    }

    @Test func randomSeveralPicksHaveNoRepeats() throws {
        for prompt in try plain.expand("{2$$a|b|c}", mode: .random(seed: 21), maxCount: 100) {
            let parts = prompt.components(separatedBy: ", ")
            #expect(parts.count == 2 && Set(parts).count == 2)
        }
    }

    @Test func randomRangeCountsStayInBounds() throws {
        let counts = Set(try plain.expand("{1-3$$ + $$a|b|c|d}", mode: .random(seed: 2), maxCount: 300)
            .map { $0.components(separatedBy: " + ").count })
        #expect(counts == [1, 2, 3])
    }

    @Test func immediateVariableIsTheSameAtEveryUse() throws {
        let text = "${s=!{summer|winter}}In ${s}, ${s} shirts"
        #expect(try all(text) == ["In summer, summer shirts", "In winter, winter shirts"])
        for prompt in try plain.expand(text, mode: .random(seed: 4), maxCount: 30) {
            #expect(prompt == "In summer, summer shirts" || prompt == "In winter, winter shirts")
        }
    }

    @Test func lazyVariableIsExpandedAtEachUse() throws {
        #expect(try all("${s={a|b}}${s} ${s}") == ["a a", "a b", "b a", "b b"])
    }

    @Test func variableDefaultsPassedValuesAndKeepExisting() throws {
        #expect(try all("In ${season:summer}") == ["In summer"])
        #expect(try plain.expand("${season?=winter}${season}", mode: .combinatorial, maxCount: 5,
                                 variables: ["season": "autumn"]) == ["autumn"])
        #expect(try all("${season?=winter}${season}") == ["winter"])
    }

    @Test func undefinedVariableSaysHowToFixIt() {
        #expect { try all("a ${mood}") } throws: { error in
            guard let error = error as? PromptError else { return false }
            return error.code == .undefinedVariable && error.column == 3 && error.message.contains("${mood=value}")
        }
    }

    @Test func selfReferencingLazyVariableIsACycle() {
        #expect { try all("${x={a|${x}}}${x}") } throws: { ($0 as? PromptError)?.code == .variableCycle }
    }

    @Test func whitespaceAndCommentsAreNormalized() throws {
        let text = """
        # pick a season
        ${season={
            summer
            |autumn
            # | fall
            |winter
        }}
        a {|big} car in ${season} , shiny
        """
        #expect(try all(text) == [
            "a car in summer, shiny", "a car in autumn, shiny", "a car in winter, shiny",
            "a big car in summer, shiny", "a big car in autumn, shiny", "a big car in winter, shiny",
        ])
    }

    @Test func invalidMaxCountIsRejected() {
        #expect { try plain.expand("a", mode: .combinatorial, maxCount: 0) } throws: {
            ($0 as? PromptError)?.code == .invalidArgument
        }
    }
}
