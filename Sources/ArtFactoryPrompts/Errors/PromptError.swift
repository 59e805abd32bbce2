import Foundation

/// The one error type of `ArtFactoryPrompts`.
///
/// `code` is stable and safe to match on or send over the wire; `message` is written for a person and
/// says what to do next. `column` is the 1-based character column in the text that was being parsed,
/// when the error points at a place in a prompt or template.
public struct PromptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable error codes.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// The prompt syntax is malformed (unclosed brace, bad range, …).
        case syntax = "prompt.syntax"
        /// A `__wildcard__` names no wildcard file.
        case wildcardNotFound = "prompt.wildcard_not_found"
        /// Wildcards include each other in a loop.
        case wildcardCycle = "prompt.wildcard_cycle"
        /// Wildcards or variables nest deeper than the configured limit.
        case recursionLimit = "prompt.recursion_limit"
        /// A wildcard file or folder could not be read.
        case wildcardUnreadable = "prompt.wildcard_unreadable"
        /// A `${variable}` is used but never set and has no default.
        case undefinedVariable = "prompt.undefined_variable"
        /// A lazy variable refers to itself.
        case variableCycle = "prompt.variable_cycle"
        /// A template placeholder has no value and no default.
        case missingTemplateValue = "prompt.missing_template_value"
        /// The prompt is longer than the product's hard limit.
        case tooLong = "prompt.too_long"
        /// A style profile or slider value is invalid.
        case invalidProfile = "prompt.invalid_profile"
        /// A parameter sweep is malformed.
        case invalidSweep = "prompt.invalid_sweep"
        /// A parameter sweep asks for more images than allowed.
        case sweepTooLarge = "prompt.sweep_too_large"
        /// An argument such as a maximum count is out of range.
        case invalidArgument = "prompt.invalid_argument"
    }

    /// Stable code, e.g. `prompt.syntax`.
    public let code: Code
    /// Human message that says what went wrong and what to do next.
    public let message: String
    /// 1-based character column in the parsed text, when known.
    public let column: Int?
    /// The underlying error's description, when this error wraps another one.
    public let cause: String?

    /// Creates an error. Prefer the static helpers, which keep messages consistent.
    public init(code: Code, message: String, column: Int? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.column = column
        self.cause = cause
    }

    public var description: String {
        var text = "[\(code.rawValue)] \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }

    static func syntax(_ what: String, column: Int) -> PromptError {
        PromptError(code: .syntax, message: "Prompt syntax error at column \(column): \(what). Fix it there "
            + "(write \\{ \\} \\| to use these characters literally).", column: column)
    }

    static func invalidArgument(_ message: String) -> PromptError {
        PromptError(code: .invalidArgument, message: message)
    }
}
