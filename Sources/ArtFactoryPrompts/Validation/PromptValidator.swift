import Foundation

/// Checks prompts: the hard length limit (an error) and the preview warnings.
public struct PromptValidator: Sendable {
    /// The product's hard limit on a prompt as typed, in characters.
    public static let maximumLength = 500

    /// Known conflicting terms.
    public var conflicts: [TermConflict]
    /// Token counter and window.
    public var tokenCounter: any TokenCounting

    /// Creates a validator with a token counter and a conflict table.
    public init(tokenCounter: any TokenCounting = ApproximateTokenCounter(),
                conflicts: [TermConflict] = TermConflict.builtIn) {
        self.tokenCounter = tokenCounter
        self.conflicts = conflicts
    }

    /// Rejects a prompt longer than ``maximumLength`` characters.
    /// - Throws: ``PromptError`` (`prompt.too_long`) saying by how much to shorten it.
    public static func checkLength(_ prompt: String, field: String = "prompt") throws {
        let length = prompt.count
        guard length <= maximumLength else {
            throw PromptError(code: .tooLong,
                              message: "The \(field) is \(length) characters; the limit is \(maximumLength). "
                                  + "Shorten it by \(length - maximumLength) characters or move repeated parts into a "
                                  + "wildcard or style profile.")
        }
    }

    /// Warnings for one final prompt.
    /// - Parameters:
    ///   - prompt: the final positive prompt (profile and presets applied).
    ///   - index: its position, reported in the warnings.
    ///   - profile: the active profile, for missing lighting/composition checks.
    public func warnings(for prompt: String, index: Int? = nil, profile: StyleProfile? = nil) -> [PromptWarning] {
        var warnings: [PromptWarning] = []
        let trimmed = prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            warnings.append(PromptWarning(code: .emptyAfterExpansion,
                                          message: "The prompt is empty after expansion; check for empty variants or "
                                              + "wildcard entries.", promptIndex: index))
            return warnings
        }
        let tokens = tokenCounter.tokenCount(trimmed)
        if tokens > tokenCounter.window {
            warnings.append(PromptWarning(code: .overWindow,
                                          message: "The prompt is \(tokens) tokens; the text encoder reads \(tokenCounter.window) "
                                              + "at a time, so tokens beyond \(tokenCounter.window) go into a further chunk "
                                              + "and weigh less. Shorten it or move key terms to the front.",
                                          promptIndex: index))
        }
        let text = TermText(trimmed)
        for conflict in conflicts {
            if let (left, right) = conflict.match(in: text) {
                warnings.append(PromptWarning(code: .conflictingTerms,
                                              message: "'\(left)' conflicts with '\(right)'; keep one of them.",
                                              promptIndex: index))
            }
        }
        if profile?.expectsLighting == true, text.firstMatch(LightingPreset.cues) == nil {
            warnings.append(PromptWarning(code: .missingLighting,
                                          message: "Profile '\(profile?.name ?? "")' expects lighting and the prompt has none; "
                                              + "pick a lighting preset (e.g. studio, golden-hour) or describe the light.",
                                          promptIndex: index))
        }
        if profile?.expectsComposition == true, text.firstMatch(CompositionPreset.cues) == nil {
            warnings.append(PromptWarning(code: .missingComposition,
                                          message: "Profile '\(profile?.name ?? "")' expects a composition and the prompt has "
                                              + "none; pick a composition preset (e.g. rule-of-thirds, close-up).",
                                          promptIndex: index))
        }
        if let problem = Self.emphasisProblem(in: trimmed) {
            warnings.append(PromptWarning(code: .unbalancedEmphasis, message: problem, promptIndex: index))
        }
        return warnings
    }

    /// Describes the first unbalanced `(`/`)` or `[`/`]` (escaped `\(` ignored), or `nil` when balanced.
    public static func emphasisProblem(in prompt: String) -> String? {
        var open: [(Character, Int)] = []
        var escaped = false
        for (offset, char) in prompt.enumerated() {
            if escaped { escaped = false; continue }
            switch char {
            case "\\":
                escaped = true
            case "(", "[":
                open.append((char, offset + 1))
            case ")", "]":
                let expected: Character = char == ")" ? "(" : "["
                guard let last = open.last, last.0 == expected else {
                    return "Emphasis '\(char)' at column \(offset + 1) has no matching '\(expected)'; "
                        + "remove it or write \\\(char) for a literal one."
                }
                open.removeLast()
            default:
                break
            }
        }
        if let (char, column) = open.last {
            let closing = char == "(" ? ")" : "]"
            return "Emphasis '\(char)' opened at column \(column) is never closed; add '\(closing)' or write \\\(char)."
        }
        return nil
    }
}
