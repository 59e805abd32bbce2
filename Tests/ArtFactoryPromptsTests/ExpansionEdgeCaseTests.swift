import Foundation
import Testing
@testable import ArtFactoryPrompts

@Suite struct ExpansionEdgeCaseTests {
    let expander = PromptExpander()

    private func all(_ text: String) throws -> [String] {
        try expander.expand(text, mode: .combinatorial, maxCount: 1000)
    }

    @Test func escapedCharactersInsideVariantsStayLiteral() throws {
        #expect(try all(#"{a\|b|c\}}"#) == ["a|b", "c}"])
        #expect(try all(#"{2$$ \| $$x|y}"#) == ["x | y"])
    }

    @Test func emphasisSyntaxInsideOptionsPassesThrough() throws {
        #expect(try all("{(red:1.2)|[blue]} car") == ["(red:1.2) car", "[blue] car"])
    }

    @Test func weightWithSpacesAndDecimals() throws {
        let node = try PromptParser().parse("{ 0.25::a | 3::b }")
        guard case .variant(let variant) = node else { Issue.record("variant"); return }
        #expect(variant.options.map(\.weight) == [0.25, 3])
        #expect(variant.options.map(\.node) == [.text("a"), .text("b")])
    }

    @Test func dollarSignsOutsideQuantifiersAreText() throws {
        #expect(try all("{$$a|b}") == ["$$a", "b"])
        #expect(try all("costs $5 {a|b}") == ["costs $5 a", "costs $5 b"])
    }

    @Test func variablesSetInsideAChosenOptionAreVisibleAfterIt() throws {
        #expect(try all("{${c=red}a|${c=blue}b} ${c}") == ["a red", "b blue"])
    }

    @Test func variableValueWithSyntaxFromCallerIsLiteral() throws {
        #expect(try expander.expand("${x}", mode: .combinatorial, maxCount: 5, variables: ["x": "{a|b}"]) == ["{a|b}"])
    }

    @Test func combinationsIteratorEndsAndStaysEnded() throws {
        var iterator = try expander.combinations("{a|b}")
        #expect(try iterator.next() == "a")
        #expect(try iterator.next() == "b")
        #expect(try iterator.next() == nil)
        #expect(try iterator.next() == nil)
    }

    @Test func errorsInLaterCombinationsSurfaceWhenReached() throws {
        var iterator = try PromptExpander(wildcards: InMemoryWildcardSource(["ok": ["fine"]]))
            .combinations("{__ok__|__missing__}")
        #expect(try iterator.next() == "fine")
        #expect { try iterator.next() } throws: { ($0 as? PromptError)?.code == .wildcardNotFound }
    }

    @Test func weightedSeveralPicksFavourHeavyOptions() throws {
        let prompts = try expander.expand("{2$$50::a|50::b|1::c}", mode: .random(seed: 17), maxCount: 500)
        let withC = prompts.filter { $0.contains("c") }.count
        #expect(withC < 60)
        #expect(prompts.allSatisfy { $0.components(separatedBy: ", ").count == 2 })
    }

    @Test func folderSourceIsSafeToShareAcrossThreads() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wildcards-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for index in 0..<8 {
            try "a\(index)\nb\(index)\n".write(to: root.appendingPathComponent("w\(index).txt"), atomically: true,
                                                encoding: .utf8)
        }
        let expander = PromptExpander(wildcards: FolderWildcardSource(root: root))
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try expander.expand("__w\(index)__ __w*__", mode: .combinatorial, maxCount: 100).count
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 2 * 16, count: 8))
    }
}
