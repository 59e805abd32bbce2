/// How ``PromptExpander`` picks among variants and wildcard entries.
public enum ExpansionMode: Sendable, Equatable, Hashable, Codable {
    /// Seeded random picks honouring `::` weights. Prompt `i` depends only on `(seed, i)`, so the same
    /// seed always gives the same prompts and asking for more prompts keeps the first ones unchanged.
    case random(seed: UInt64)
    /// Every combination, in a stable order: the leftmost choice varies slowest, options in written
    /// order, several-of-N picks as index combinations in lexicographic order (smaller counts first).
    /// Weights are ignored.
    case combinatorial
}

/// Scope of a variable during expansion.
enum VariableBinding {
    /// An immediate (`!`) or passed-in value.
    case value(String)
    /// A lazy definition, expanded afresh at each use.
    case lazy(PromptNode)
}

/// Seeded random draws shared by one combinatorial expansion (for `{~…}` choices).
final class SharedRandom {
    var generator: SplitMix64

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }
}

/// State threaded through an expansion: variables and the chain of open wildcards and variables.
struct ExpansionScope {
    var variables: [String: VariableBinding] = [:]
    var wildcardChain: [String] = []
    var variableChain: [String] = []
    /// Random mode: which prompt is being made (drives `@` cyclical choices).
    var promptIndex = 0
    /// Combinatorial mode: draws for `~` choices.
    var random: SharedRandom?

    var depth: Int { wildcardChain.count + variableChain.count }
}
