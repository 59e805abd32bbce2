import Testing
@testable import ArtFactoryPrompts

@Suite struct SamplerHintTests {
    let expander = PromptExpander(wildcards: InMemoryWildcardSource(["shapes": ["square", "circle"]]))

    @Test func hintsAreParsedOnVariantsAndWildcards() throws {
        guard case .sequence(let nodes) = try PromptParser().parse("{~a|b} {@c|d} __~shapes__ __@shapes__") else {
            Issue.record("expected a sequence"); return
        }
        guard case .variant(let random) = nodes[0], case .variant(let cyclic) = nodes[2],
              case .wildcard(let randomWildcard) = nodes[4], case .wildcard(let cyclicWildcard) = nodes[6] else {
            Issue.record("shape \(nodes)"); return
        }
        #expect(random.sampler == .random && cyclic.sampler == .cyclical)
        #expect(random.options.map(\.node) == [.text("a"), .text("b")])
        #expect(randomWildcard.sampler == .random && randomWildcard.pattern == "shapes")
        #expect(cyclicWildcard.sampler == .cyclical)
    }

    @Test func cyclicalChoicesCycleWithThePromptIndex() throws {
        let prompts = try expander.expand("A {@red|green|blue} __@shapes__", mode: .random(seed: 8), maxCount: 4)
        #expect(prompts == ["A red square", "A green circle", "A blue square", "A red circle"])
    }

    @Test func randomHintPicksOneValuePerCombination() throws {
        let prompts = try expander.expand("{~a|b|c} {x|y}", mode: .combinatorial, maxCount: 100)
        #expect(prompts.count == 2)
        #expect(prompts[0].hasSuffix(" x") && prompts[1].hasSuffix(" y"))
        #expect(prompts == (try expander.expand("{~a|b|c} {x|y}", mode: .combinatorial, maxCount: 100)))
        let wildcard = try expander.expand("__~shapes__ {1|2|3}", mode: .combinatorial, maxCount: 100)
        #expect(wildcard.count == 3)
        let seeds = try (0..<20).map { seed -> String in
            var iterator = try expander.combinations("{~a|b|c|d|e}", seed: UInt64(seed))
            return try iterator.next() ?? ""
        }
        #expect(Set(seeds).count > 1)
    }

    @Test func excessiveNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "{a|", count: 200) + String(repeating: "}", count: 200)
        #expect { try PromptParser().parse(deep) } throws: { error in
            (error as? PromptError)?.message.contains("nest more than 64") == true
        }
        let fine = String(repeating: "{a|", count: 60) + "b" + String(repeating: "}", count: 60)
        #expect(throws: Never.self) { try PromptParser().parse(fine) }
    }
}
