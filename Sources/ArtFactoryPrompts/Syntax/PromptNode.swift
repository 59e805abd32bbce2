/// The syntax tree of a Dynamic Prompts expression, produced by ``PromptParser``.
public indirect enum PromptNode: Sendable, Equatable {
    /// Literal text (escapes already resolved).
    case text(String)
    /// Children expanded one after another and concatenated.
    case sequence([PromptNode])
    /// `{a|b|c}`, `{2::a|b}`, `{2$$a|b}`, `{1-3$$ and $$a|b|c}`.
    case variant(VariantNode)
    /// `__name__`, `__folder/*__`, `__name(var=value)__`.
    case wildcard(WildcardNode)
    /// `${name=value}` (lazy), `${name=!value}` (immediate), `${name?=value}` (keep an existing value).
    case assignment(VariableAssignment)
    /// `${name}` or `${name:default}`.
    case variable(VariableReference)

    /// Joins nodes into one node, dropping empty sequences and merging adjacent text.
    static func joined(_ nodes: [PromptNode]) -> PromptNode {
        var merged: [PromptNode] = []
        for node in nodes {
            if case .text(let tail) = node, case .text(let head)? = merged.last {
                merged[merged.count - 1] = .text(head + tail)
            } else {
                merged.append(node)
            }
        }
        if merged.count == 1 { return merged[0] }
        return .sequence(merged)
    }
}

/// A per-choice sampler override: `{~a|b}` / `__~name__` (random) and `{@a|b}` / `__@name__` (cyclical).
///
/// In random mode `@` picks option `promptIndex % count` (so consecutive prompts cycle through the
/// options) and `~` changes nothing. In combinatorial mode `~` makes one seeded random pick per
/// combination instead of enumerating, and `@` changes nothing.
public enum SamplerHint: String, Sendable, Equatable, Codable {
    case random = "~"
    case cyclical = "@"
}

/// One `{…}` variant: options, how many to pick, and how to join them.
public struct VariantNode: Sendable, Equatable {
    /// One option with its relative weight (default 1).
    public struct Option: Sendable, Equatable {
        /// Relative weight (random mode); 1 when not written.
        public var weight: Double
        /// The option's content.
        public var node: PromptNode
        public init(weight: Double = 1, node: PromptNode) {
            self.weight = weight
            self.node = node
        }
    }

    /// The options in written order.
    public var options: [Option]
    /// Fewest options to pick; `nil` means 1.
    public var minimum: Int?
    /// Most options to pick; `nil` means as many as there are options.
    public var maximum: Int?
    /// Joins several picked options; `nil` means ", ".
    public var separator: String?
    /// 1-based column of the opening brace.
    public var column: Int
    /// `~` or `@` written after the brace, if any.
    public var sampler: SamplerHint?

    public init(options: [Option], minimum: Int? = 1, maximum: Int? = 1, separator: String? = nil, column: Int,
                sampler: SamplerHint? = nil) {
        self.options = options
        self.minimum = minimum
        self.maximum = maximum
        self.separator = separator
        self.column = column
        self.sampler = sampler
    }

    /// The default separator between several picked options.
    public static let defaultSeparator = ", "

    /// The inclusive pick-count range for `available` options, clamped as Dynamic Prompts does.
    func pickRange(available: Int) -> ClosedRange<Int> {
        let low = min(max(minimum ?? 1, 0), available)
        let high = min(max(maximum ?? available, low), available)
        return low...high
    }
}

/// A `__name__` reference to a wildcard file.
public struct WildcardNode: Sendable, Equatable {
    /// The name or glob pattern between the underscores, e.g. `people/artists` or `colors/*`.
    public var pattern: String
    /// Variables passed as `__name(var=value)__`.
    public var parameters: [String: String]
    /// 1-based column of the opening `__`.
    public var column: Int
    /// `~` or `@` written after the opening `__`, if any.
    public var sampler: SamplerHint?

    public init(pattern: String, parameters: [String: String] = [:], column: Int, sampler: SamplerHint? = nil) {
        self.pattern = pattern
        self.parameters = parameters
        self.column = column
        self.sampler = sampler
    }

    /// Whether the pattern uses globbing (`*`, `?`).
    public var isGlob: Bool { pattern.contains("*") || pattern.contains("?") }
}

/// `${name=value}`: sets a variable for the rest of the prompt; produces no text itself.
public struct VariableAssignment: Sendable, Equatable {
    /// Variable name.
    public var name: String
    /// The value expression.
    public var value: PromptNode
    /// `!`: the value is expanded once, here, and reused; otherwise it is expanded at each use.
    public var immediate: Bool
    /// `?=`: keeps a value the variable already has (e.g. one passed to a parameterized wildcard).
    public var keepsExisting: Bool
    /// 1-based column of the `${`.
    public var column: Int

    public init(name: String, value: PromptNode, immediate: Bool, keepsExisting: Bool = false, column: Int) {
        self.name = name
        self.value = value
        self.immediate = immediate
        self.keepsExisting = keepsExisting
        self.column = column
    }
}

/// `${name}` or `${name:default}`.
public struct VariableReference: Sendable, Equatable {
    /// Variable name.
    public var name: String
    /// The `:default` used when the variable is unset.
    public var defaultValue: String?
    /// 1-based column of the `${`.
    public var column: Int

    public init(name: String, defaultValue: String? = nil, column: Int) {
        self.name = name
        self.defaultValue = defaultValue
        self.column = column
    }
}
