import Foundation

/// Expands Dynamic Prompts syntax into plain prompts, in random or combinatorial mode.
///
/// Wildcards come from the injected ``WildcardSource``; their entries may contain any syntax and
/// other wildcards, up to ``maxDepth`` levels, and a wildcard that includes itself (directly or
/// not) is reported as a cycle. Output whitespace is normalized: runs of spaces and newlines become
/// one space, the ends are trimmed and a space before a comma is dropped.
///
/// ```swift
/// let expander = PromptExpander(wildcards: FolderWildcardSource(root: wildcardsFolder))
/// let prompts = try expander.expand("a {red|blue} __animals__", mode: .random(seed: 42), maxCount: 4)
/// ```
public struct PromptExpander: Sendable {
    /// Source of `__wildcard__` files.
    public var wildcards: any WildcardSource
    /// How many wildcards and lazy variables may be open inside one another.
    public var maxDepth: Int
    /// The largest `maxCount` accepted by ``expand(_:mode:maxCount:variables:)``.
    public static let countLimit = 100_000

    let parser = PromptParser()

    /// Creates an expander.
    /// - Parameters:
    ///   - wildcards: where `__name__` files are read from (default: none).
    ///   - maxDepth: nesting limit for wildcards within wildcards and variables within variables.
    public init(wildcards: any WildcardSource = InMemoryWildcardSource(), maxDepth: Int = 10) {
        self.wildcards = wildcards
        self.maxDepth = max(1, maxDepth)
    }

    /// Expands `text`.
    /// - Parameters:
    ///   - mode: random (exactly `maxCount` prompts) or combinatorial (the first `maxCount` combinations).
    ///   - maxCount: 1 to ``countLimit``.
    ///   - variables: values for `${name}` set before the prompt starts (a `${name?=…}` keeps them).
    /// - Returns: the expanded prompts, normalized.
    /// - Throws: ``PromptError``: syntax, missing wildcard (with close matches), cycle, recursion limit,
    ///   undefined variable, or an invalid `maxCount`.
    public func expand(_ text: String, mode: ExpansionMode, maxCount: Int,
                       variables: [String: String] = [:]) throws -> [String] {
        guard (1...Self.countLimit).contains(maxCount) else {
            throw PromptError.invalidArgument("maxCount must be between 1 and \(Self.countLimit), got \(maxCount).")
        }
        let node = try parser.parse(text)
        switch mode {
        case .random(let seed):
            return try (0..<maxCount).map { try randomPrompt(node, seed: seed, index: $0, variables: variables) }
        case .combinatorial:
            var iterator = try combinations(of: node, variables: variables)
            var prompts: [String] = []
            while prompts.count < maxCount, let prompt = try iterator.next() { prompts.append(prompt) }
            return prompts
        }
    }

    /// The random-mode prompt number `index` for `seed` (what ``expand(_:mode:maxCount:variables:)``
    /// returns at that position).
    public func randomPrompt(_ text: String, seed: UInt64, index: Int = 0,
                             variables: [String: String] = [:]) throws -> String {
        try randomPrompt(parser.parse(text), seed: seed, index: index, variables: variables)
    }

    /// A lazy iterator over every combination of `text`, in the order of ``ExpansionMode/combinatorial``.
    /// Nothing is expanded until ``PromptCombinations/next()`` is called.
    /// - Parameter seed: drives the random picks of `{~…}` / `__~name__` choices (0 in ``expand(_:mode:maxCount:variables:)``).
    public func combinations(_ text: String, variables: [String: String] = [:],
                             seed: UInt64 = 0) throws -> PromptCombinations {
        try combinations(of: parser.parse(text), variables: variables, seed: seed)
    }

    /// Counts combinations of `text`, stopping once `limit` is passed (returns `limit + 1` then).
    public func combinationCount(_ text: String, limit: Int = 10_000,
                                 variables: [String: String] = [:]) throws -> Int {
        var iterator = try combinations(text, variables: variables)
        var count = 0
        while count <= limit, try iterator.next() != nil { count += 1 }
        return count
    }

    // MARK: Internals

    func randomPrompt(_ node: PromptNode, seed: UInt64, index: Int, variables: [String: String]) throws -> String {
        var rng = SplitMix64.derived(seed: seed, index: index)
        var scope = Self.scope(variables)
        scope.promptIndex = index
        return Self.normalize(try sample(node, scope: &scope, rng: &rng))
    }

    func combinations(of node: PromptNode, variables: [String: String], seed: UInt64 = 0) throws -> PromptCombinations {
        var scope = Self.scope(variables)
        scope.random = SharedRandom(seed: seed)
        return PromptCombinations(stream: try stream(node, scope))
    }

    static func scope(_ variables: [String: String]) -> ExpansionScope {
        ExpansionScope(variables: variables.mapValues { .value($0) })
    }

    /// Collapses whitespace, trims the ends and drops spaces before commas.
    static func normalize(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for char in text {
            if char.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace, char != "," { result.append(" ") }
            pendingSpace = false
            result.append(char)
        }
        return result
    }

    // MARK: Wildcards and variables shared by both modes

    /// Resolves a wildcard reference to its raw entries (never empty).
    func entries(of wildcard: WildcardNode) throws -> [String] {
        let raw: [String]
        if wildcard.isGlob {
            let names = try wildcards.wildcardNames().sorted()
            let matched = names.filter { WildcardMatcher.matches($0, pattern: wildcard.pattern) }
            guard !matched.isEmpty else {
                throw PromptError(code: .wildcardNotFound,
                                  message: "No wildcard file matches '__\(wildcard.pattern)__' (column \(wildcard.column)). "
                                      + "Check the pattern or add files to the wildcards folder.",
                                  column: wildcard.column)
            }
            raw = try matched.flatMap { try wildcards.entries(for: $0) ?? [] }
        } else if let found = try wildcards.entries(for: wildcard.pattern) {
            raw = found
        } else {
            let close = WildcardMatcher.suggestions(for: wildcard.pattern, among: try wildcards.wildcardNames())
            let hint = close.isEmpty ? "Add \(wildcard.pattern).txt to the wildcards folder."
                : "Did you mean " + close.map { "__\($0)__" }.joined(separator: ", ") + "?"
            throw PromptError(code: .wildcardNotFound,
                              message: "Wildcard '__\(wildcard.pattern)__' (column \(wildcard.column)) was not found. \(hint)",
                              column: wildcard.column)
        }
        guard !raw.isEmpty else {
            throw PromptError(code: .wildcardNotFound,
                              message: "Wildcard '__\(wildcard.pattern)__' has no entries; add lines to its file.",
                              column: wildcard.column)
        }
        return raw
    }

    /// Parses entry `index` of a wildcard; syntax errors name the wildcard and entry.
    /// Entries are parsed only when used, so a random pick costs one parse, not one per entry.
    func parseEntry(_ entries: [String], _ index: Int, of wildcard: WildcardNode) throws -> PromptNode {
        do {
            return try parser.parse(entries[index])
        } catch let error as PromptError {
            throw PromptError(code: error.code,
                              message: "In wildcard '\(wildcard.pattern)' entry \(index + 1): \(error.message)",
                              column: wildcard.column)
        }
    }

    /// Opens a wildcard: checks depth and cycles, and sets its parameters as variables.
    func enter(_ wildcard: WildcardNode, _ scope: ExpansionScope) throws -> ExpansionScope {
        if let start = scope.wildcardChain.firstIndex(of: wildcard.pattern) {
            let loop = (scope.wildcardChain[start...] + [wildcard.pattern]).map { "__\($0)__" }.joined(separator: " → ")
            throw PromptError(code: .wildcardCycle,
                              message: "Wildcards include each other in a loop: \(loop). Remove one of the references.",
                              column: wildcard.column)
        }
        try checkDepth(scope, column: wildcard.column)
        var inner = scope
        inner.wildcardChain.append(wildcard.pattern)
        for (name, value) in wildcard.parameters { inner.variables[name] = .value(value) }
        return inner
    }

    func checkDepth(_ scope: ExpansionScope, column: Int) throws {
        guard scope.depth < maxDepth else {
            let chain = (scope.wildcardChain.map { "__\($0)__" } + scope.variableChain.map { "${\($0)}" })
            throw PromptError(code: .recursionLimit,
                              message: "Wildcards and variables nest more than \(maxDepth) levels deep ("
                                  + chain.joined(separator: " → ") + "). Flatten the wildcard files.",
                              column: column)
        }
    }

    /// Looks a variable up; returns either its value or the lazy node with the scope to expand it in.
    func lookup(_ reference: VariableReference, _ scope: ExpansionScope) throws -> Either {
        switch scope.variables[reference.name] {
        case .value(let value)?:
            return .value(value)
        case .lazy(let node)?:
            if scope.variableChain.contains(reference.name) {
                throw PromptError(code: .variableCycle,
                                  message: "Variable '${\(reference.name)}' refers to itself; give it a value that does not use it.",
                                  column: reference.column)
            }
            try checkDepth(scope, column: reference.column)
            var inner = scope
            inner.variableChain.append(reference.name)
            return .lazy(node, inner)
        case nil:
            if let fallback = reference.defaultValue { return .value(fallback) }
            throw PromptError(code: .undefinedVariable,
                              message: "Variable '${\(reference.name)}' (column \(reference.column)) is used but never set. "
                                  + "Set it first with ${\(reference.name)=value} or give a default: ${\(reference.name):value}.",
                              column: reference.column)
        }
    }

    enum Either {
        case value(String)
        case lazy(PromptNode, ExpansionScope)
    }

    /// A variant whose only option is a wildcard and that picks more than one draws from the
    /// wildcard's entries without repeats (`{2$$__flavours__}`).
    func wildcardOptions(_ variant: VariantNode) -> WildcardNode? {
        guard variant.options.count == 1, case .wildcard(let wildcard) = variant.options[0].node else { return nil }
        let wantsSeveral = (variant.maximum ?? 2) > 1 || (variant.minimum ?? 1) > 1
        return wantsSeveral ? wildcard : nil
    }
}
