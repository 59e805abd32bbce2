import Foundation
import Testing
@testable import ArtFactoryPrompts

@Suite struct WildcardTests {
    let memory = InMemoryWildcardSource([
        "colors": ["red", "blue"],
        "colors/warm": ["orange", "yellow"],
        "colors/cold": ["teal", "navy"],
        "colors/deep/dark": ["black"],
        "people/artists": ["Monet", "{Klimt|Schiele}"],
        "animal": ["cat", "${size:small} dog"],
        "outfit": ["${season} coat"],
        "loop/a": ["x __loop/b__"],
        "loop/b": ["y __loop/a__"],
        "self": ["again __self__"],
        "empty": [],
        "broken": ["ok", "{unclosed"],
    ])

    private func all(_ text: String, source: (any WildcardSource)? = nil, depth: Int = 10) throws -> [String] {
        try PromptExpander(wildcards: source ?? memory, maxDepth: depth)
            .expand(text, mode: .combinatorial, maxCount: 1000)
    }

    private func error(_ text: String, depth: Int = 10) -> PromptError? {
        do { _ = try all(text, depth: depth); return nil } catch { return error as? PromptError }
    }

    @Test func wildcardExpandsToEachEntry() throws {
        #expect(try all("a __colors__ car") == ["a red car", "a blue car"])
    }

    @Test func nestedFolderNamesAndSyntaxInsideEntries() throws {
        #expect(try all("by __people/artists__") == ["by Monet", "by Klimt", "by Schiele"])
    }

    @Test func globOneLevelMatchesSortedFiles() throws {
        #expect(try all("__colors/*__") == ["teal", "navy", "orange", "yellow"])
    }

    @Test func doubleStarGlobMatchesDeepFiles() throws {
        #expect(try all("__colors/**__") == ["teal", "navy", "black", "orange", "yellow"])
        #expect(try all("__colo*__") == ["red", "blue"])
    }

    @Test func globMatcherRules() {
        #expect(WildcardMatcher.matches("colors/warm", pattern: "colors/*"))
        #expect(!WildcardMatcher.matches("colors/deep/dark", pattern: "colors/*"))
        #expect(WildcardMatcher.matches("colors/deep/dark", pattern: "colors/**"))
        #expect(WildcardMatcher.matches("cat", pattern: "c?t"))
        #expect(!WildcardMatcher.matches("coat", pattern: "c?t"))
        #expect(WildcardMatcher.matches("a/b/c", pattern: "**c"))
        #expect(WildcardMatcher.matches("colors", pattern: "**"))
        #expect(!WildcardMatcher.matches("colors/warm", pattern: "*"))
        // Pathological pattern: answers at once instead of backtracking exponentially.
        let name = String(repeating: "a", count: 60)
        #expect(!WildcardMatcher.matches(name, pattern: String(repeating: "*a", count: 30) + "b"))
    }

    @Test func severalFromOneWildcardHaveNoDuplicates() throws {
        #expect(try all("{2$$__colors/warm__}") == ["orange, yellow"])
        let random = try PromptExpander(wildcards: memory)
            .expand("{2$$__people/artists__}", mode: .random(seed: 9), maxCount: 50)
        for prompt in random {
            let parts = prompt.components(separatedBy: ", ")
            #expect(parts.count == 2 && Set(parts).count == 2)
        }
    }

    @Test func parameterizedWildcardAndDefaults() throws {
        #expect(try all("__outfit(season=winter)__") == ["winter coat"])
        #expect(try all("__animal__") == ["cat", "small dog"])
        #expect(try all("${size=huge}__animal__") == ["cat", "huge dog"])
    }

    @Test func parametersDoNotLeakOutOfTheWildcard() {
        #expect(error("__outfit(season=winter)__ ${season}")?.code == .undefinedVariable)
    }

    @Test func missingWildcardListsCloseMatches() {
        let failure = error("a __colours__")
        #expect(failure?.code == .wildcardNotFound)
        #expect(failure?.column == 3)
        #expect(failure?.message.contains("__colors__") == true)
        let artists = error("__artists__")
        #expect(artists?.message.contains("__people/artists__") == true)
    }

    @Test func unmatchedGlobIsAnError() {
        #expect(error("__nothing/*__")?.code == .wildcardNotFound)
    }

    @Test func cyclesAreDetectedWithTheirPath() {
        let failure = error("__loop/a__")
        #expect(failure?.code == .wildcardCycle)
        #expect(failure?.message.contains("__loop/a__ → __loop/b__ → __loop/a__") == true)
        #expect(error("__self__")?.code == .wildcardCycle)
        let random = PromptExpander(wildcards: memory)
        #expect { try random.expand("__self__", mode: .random(seed: 1), maxCount: 3) } throws: {
            ($0 as? PromptError)?.code == .wildcardCycle
        }
    }

    @Test func depthLimitStopsDeepChains() throws {
        var chain: [String: [String]] = [:]
        for level in 0..<6 { chain["w\(level)"] = ["__w\(level + 1)__"] }
        chain["w6"] = ["bottom"]
        let source = InMemoryWildcardSource(chain)
        #expect(try all("__w0__", source: source, depth: 10) == ["bottom"])
        do {
            _ = try all("__w0__", source: source, depth: 4)
            Issue.record("expected recursion limit")
        } catch let failure as PromptError {
            #expect(failure.code == .recursionLimit)
        }
    }

    @Test func emptyWildcardAndBrokenEntryAreClearErrors() {
        #expect(error("__empty__")?.message.contains("no entries") == true)
        let broken = error("__broken__")
        #expect(broken?.code == .syntax)
        #expect(broken?.message.contains("In wildcard 'broken' entry 2") == true)
    }

    @Test func validateWalksEveryReachableWildcard() throws {
        let expander = PromptExpander(wildcards: memory)
        try expander.validate("a __colors/**__ by __people/artists__ {x|__animal__}")
        #expect { try expander.validate("{a|__loop/a__}") } throws: { ($0 as? PromptError)?.code == .wildcardCycle }
        #expect { try expander.validate("${v=__colours__}") } throws: { ($0 as? PromptError)?.code == .wildcardNotFound }
        #expect { try expander.validate("__broken__") } throws: { ($0 as? PromptError)?.code == .syntax }
        #expect { try expander.validate("{a|b") } throws: { ($0 as? PromptError)?.column == 5 }
    }

    @Test func fileFormatSkipsCommentsAndBlankLines() {
        let text = "# colours\nred\n\n  blue  \r\n# green\n{a|b}\n"
        #expect(WildcardFileFormat.entries(fromText: text) == ["red", "blue", "{a|b}"])
    }

    @Test func folderSourceReadsNestedTextFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wildcards-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let people = root.appendingPathComponent("people")
        try FileManager.default.createDirectory(at: people, withIntermediateDirectories: true)
        try "# seasons\nsummer\n\nwinter\n".write(to: root.appendingPathComponent("seasons.txt"), atomically: true, encoding: .utf8)
        try "Monet\n__seasons__ painter\n".write(to: people.appendingPathComponent("artists.txt"), atomically: true, encoding: .utf8)
        try "ignored".write(to: root.appendingPathComponent("notes.md"), atomically: true, encoding: .utf8)
        let source = FolderWildcardSource(root: root)
        #expect(try source.wildcardNames() == ["people/artists", "seasons"])
        #expect(try source.entries(for: "seasons") == ["summer", "winter"])
        #expect(try source.entries(for: "missing") == nil)
        #expect(try source.entries(for: "../etc/passwd") == nil)
        #expect(try all("__people/*__", source: source) == ["Monet", "summer painter", "winter painter"])
    }

    @Test func folderSourceReadsJSONHierarchies() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wildcards-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let json = #"{"clothing": ["T-shirt", " Pants ", 3], "artists": {"dutch": ["Rembrandt", "{Mondrian|Vermeer}"], "n": 5}}"#
        try json.write(to: root.appendingPathComponent("styles.json"), atomically: true, encoding: .utf8)
        try #"["red", "blue"]"#.write(to: root.appendingPathComponent("colors.json"), atomically: true, encoding: .utf8)
        let source = FolderWildcardSource(root: root)
        #expect(try source.wildcardNames() == ["colors", "styles/artists/dutch", "styles/clothing"])
        #expect(try source.entries(for: "styles/clothing") == ["T-shirt", "Pants"])
        let expander = PromptExpander(wildcards: source)
        #expect(try expander.expand("__styles/artists/*__", mode: .combinatorial, maxCount: 10)
            == ["Rembrandt", "Mondrian", "Vermeer"])
        #expect(try expander.expand("__colors__", mode: .combinatorial, maxCount: 10) == ["red", "blue"])
    }

    @Test func invalidJSONWildcardFileIsAClearError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wildcards-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try "{not json".write(to: root.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        #expect { try FolderWildcardSource(root: root).wildcardNames() } throws: { error in
            guard let error = error as? PromptError else { return false }
            return error.code == .wildcardUnreadable && error.message.contains("bad.json")
        }
    }

    @Test func missingFolderIsAnEmptySource() throws {
        let source = FolderWildcardSource(root: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)"))
        #expect(try source.wildcardNames().isEmpty)
        #expect { try all("__x__", source: source) } throws: { ($0 as? PromptError)?.code == .wildcardNotFound }
    }
}
