/// A non-fatal problem found while previewing a prompt.
public struct PromptWarning: Sendable, Equatable, Codable {
    /// Stable warning codes.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// More tokens than the text encoder reads at once; the rest is chunked or truncated.
        case overWindow = "over_window"
        /// Terms that contradict each other ("day" and "night").
        case conflictingTerms = "conflicting_terms"
        /// The prompt is empty once expanded.
        case emptyAfterExpansion = "empty_after_expansion"
        /// The profile expects lighting and the prompt has none.
        case missingLighting = "missing_lighting"
        /// The profile expects a composition and the prompt has none.
        case missingComposition = "missing_composition"
        /// Emphasis parentheses or brackets do not balance.
        case unbalancedEmphasis = "unbalanced_emphasis"
    }

    /// Stable code.
    public var code: Code
    /// What is wrong and what to do.
    public var message: String
    /// Which final prompt (0-based) it is about; `nil` for the request as a whole.
    public var promptIndex: Int?

    public init(code: Code, message: String, promptIndex: Int? = nil) {
        self.code = code
        self.message = message
        self.promptIndex = promptIndex
    }
}
