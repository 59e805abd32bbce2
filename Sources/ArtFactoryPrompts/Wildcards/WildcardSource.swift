import Foundation

/// Where wildcard files come from. Injected into ``PromptExpander`` so tests need no files.
///
/// Names use `/` between folders and carry no extension: `colors`, `people/artists`.
public protocol WildcardSource: Sendable {
    /// Every wildcard name this source knows, in any order.
    /// - Throws: ``PromptError`` (`prompt.wildcard_unreadable`) when the source cannot be listed.
    func wildcardNames() throws -> [String]

    /// The entries of one wildcard (already stripped of comments and blank lines), or `nil` when no
    /// wildcard has that exact name. Entries may themselves contain prompt syntax and wildcards.
    /// - Throws: ``PromptError`` (`prompt.wildcard_unreadable`) when the file exists but cannot be read.
    func entries(for name: String) throws -> [String]?
}

/// Wildcard file parsing shared by the sources: one entry per line, `#` starts a comment line,
/// blank lines are ignored, surrounding whitespace is trimmed.
public enum WildcardFileFormat {
    /// Splits the text of a `.txt` wildcard file into entries.
    public static func entries(fromText text: String) -> [String] {
        text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}

/// An in-memory wildcard source, for tests and for wildcards sent with a request.
public struct InMemoryWildcardSource: WildcardSource {
    /// Entries by wildcard name.
    public var wildcards: [String: [String]]

    /// Creates a source from entries by name (entries are used as given).
    public init(_ wildcards: [String: [String]] = [:]) {
        self.wildcards = wildcards
    }

    /// Creates a source from file-like texts by name, parsed like `.txt` files.
    public init(fileTexts: [String: String]) {
        wildcards = fileTexts.mapValues(WildcardFileFormat.entries(fromText:))
    }

    public func wildcardNames() throws -> [String] { Array(wildcards.keys) }

    public func entries(for name: String) throws -> [String]? { wildcards[name] }
}

