import Foundation

/// Parses Dynamic Prompts syntax into a ``PromptNode`` tree.
///
/// Supported forms: variants `{a|b}`, weights `{2::a|b}`, counts `{2$$a|b|c}`, ranges `{1-3$$…}`,
/// `{-2$$…}`, `{2-$$…}`, custom separators `{2$$ and $$a|b}`, nesting, wildcards `__name__` (with
/// globbing and `__name(var=value)__` parameters), variables `${x=v}`, `${x=!v}`, `${x?=v}`, `${x}`,
/// `${x:default}`, escapes `\{ \} \| \$ \_ \#`, `#` comments (a `#` at the start of a line, or a
/// `# ` after whitespace, comments out the rest of the line; `#hashtag` stays text), and the sampler
/// prefixes `{~…}`, `{@…}`, `__~name__`, `__@name__` (see ``SamplerHint``). Other backslash escapes
/// (such as A1111's `\(`) are kept verbatim for the text encoder. Braces and variables may nest at
/// most ``maximumNesting`` levels.
///
/// Errors are ``PromptError`` with code `prompt.syntax` and the 1-based column of the problem
/// (columns count Unicode scalars, which are characters for ordinary text).
public struct PromptParser: Sendable {
    /// The deepest nesting of `{…}` and `${…}` accepted (keeps hostile input from exhausting the stack).
    public static let maximumNesting = 64

    /// Creates a parser (stateless; share it freely).
    public init() {}

    /// Parses `text` into a syntax tree.
    /// - Throws: ``PromptError`` (`prompt.syntax`) naming the column and what is wrong.
    public func parse(_ text: String) throws -> PromptNode {
        var cursor = Cursor(Array(text.unicodeScalars))
        let node = try cursor.parseSequence(terminators: [])
        return node
    }
}

/// Characters that a backslash turns into literal text.
private let escapable: [Unicode.Scalar] = ["{", "}", "|", "$", "_", "#", "\\"]

private struct Cursor {
    let chars: [Unicode.Scalar]
    var pos = 0
    var nesting = 0

    init(_ chars: [Unicode.Scalar]) { self.chars = chars }

    var atEnd: Bool { pos >= chars.count }
    var current: Unicode.Scalar? { pos < chars.count ? chars[pos] : nil }
    func peek(_ offset: Int) -> Unicode.Scalar? {
        let index = pos + offset
        return index < chars.count && index >= 0 ? chars[index] : nil
    }
    var column: Int { pos + 1 }

    mutating func parseSequence(terminators: [Unicode.Scalar]) throws -> PromptNode {
        var nodes: [PromptNode] = []
        var text = ""
        func flush() {
            if !text.isEmpty { nodes.append(.text(text)); text = "" }
        }
        while let char = current {
            if terminators.contains(char) { break }
            switch char {
            case "\\":
                if let next = peek(1), escapable.contains(next) {
                    text.unicodeScalars.append(next)
                    pos += 2
                } else {
                    text.unicodeScalars.append(char)
                    if let next = peek(1) { text.unicodeScalars.append(next); pos += 2 } else { pos += 1 }
                }
            case "{":
                flush()
                nodes.append(.variant(try parseVariant()))
            case "}":
                throw PromptError.syntax("unmatched '}' (no '{' opens it)", column: column)
            case "$" where peek(1) == "{":
                flush()
                nodes.append(try parseVariable())
            case "_" where peek(1) == "_" && startsWildcardName(peek(2)):
                flush()
                nodes.append(.wildcard(try parseWildcard()))
            case "#" where startsComment():
                while let skipped = current, skipped != "\n" { _ = skipped; pos += 1 }
            default:
                text.unicodeScalars.append(char)
                pos += 1
            }
        }
        flush()
        return PromptNode.joined(nodes)
    }

    /// A `#` starts a comment at the start of a line, or after whitespace when followed by whitespace
    /// (`a cat # note`), so hashtags such as `#artstation` stay in the prompt.
    private func startsComment() -> Bool {
        var back = pos - 1
        while back >= 0, chars[back] == " " || chars[back] == "\t" { back -= 1 }
        if back < 0 || chars[back] == "\n" { return true }
        guard peek(-1)?.isWhitespace == true else { return false }
        guard let next = peek(1) else { return true }
        return next.isWhitespace || next == "#"
    }

    private func startsWildcardName(_ char: Unicode.Scalar?) -> Bool {
        guard let char else { return false }
        return char.isLetter || char.isNumber || char == "*" || char == "~" || char == "@" || char == "-"
    }

    // MARK: Variants

    private mutating func enterNesting() throws {
        nesting += 1
        guard nesting <= PromptParser.maximumNesting else {
            throw PromptError.syntax("braces nest more than \(PromptParser.maximumNesting) levels deep", column: column)
        }
    }

    mutating func parseVariant() throws -> VariantNode {
        let open = column
        try enterNesting()
        defer { nesting -= 1 }
        pos += 1  // "{"
        var variant = VariantNode(options: [], column: open)
        if let char = current, let hint = SamplerHint(rawValue: String(char)) {
            variant.sampler = hint
            pos += 1
        }
        if let (low, high, length) = try quantifier() {
            pos += length
            variant.minimum = low
            variant.maximum = high
            variant.separator = separatorAhead()
        }
        while true {
            let weight = try optionWeight()
            let node = try parseSequence(terminators: ["|", "}"])
            variant.options.append(.init(weight: weight, node: trimmed(node)))
            guard let char = current else {
                throw PromptError.syntax("unclosed '{' opened at column \(open)", column: column)
            }
            pos += 1
            if char == "}" { break }
        }
        return variant
    }

    /// Reads `N$$`, `N-M$$`, `-M$$`, `N-$$` at the cursor without consuming it.
    /// Returns the bounds and the length of the quantifier text.
    private func quantifier() throws -> (Int?, Int?, Int)? {
        var index = pos
        func digits() -> String {
            var value = ""
            while index < chars.count, chars[index].isASCII, chars[index].isNumber {
                value.unicodeScalars.append(chars[index]); index += 1
            }
            return value
        }
        let first = digits()
        var second: String?
        var isRange = false
        if index < chars.count, chars[index] == "-" {
            isRange = true
            index += 1
            second = digits()
        }
        guard index + 1 < chars.count, chars[index] == "$", chars[index + 1] == "$" else { return nil }
        guard !first.isEmpty || !(second ?? "").isEmpty else { return nil }
        let low = first.isEmpty ? nil : Int(first)
        let high = isRange ? (second.flatMap { $0.isEmpty ? nil : Int($0) }) : low
        if (!first.isEmpty && low == nil) || (!(second ?? "").isEmpty && high == nil) {
            throw PromptError.syntax("option count is too large", column: column)
        }
        if let low, let high, low > high {
            throw PromptError.syntax("option range \(low)-\(high) goes backwards (write \(high)-\(low))",
                                     column: column)
        }
        return (low ?? (isRange ? nil : 1), high, index + 2 - pos)
    }

    /// After `N$$`, a second `$$` before any unescaped `|`, `{` or `}` makes the text between them the
    /// separator (escapes such as `\|` resolved).
    private mutating func separatorAhead() -> String? {
        var index = pos
        var separator = ""
        while index + 1 < chars.count {
            let char = chars[index]
            if char == "\\", escapable.contains(chars[index + 1]) {
                separator.unicodeScalars.append(chars[index + 1])
                index += 2
                continue
            }
            if char == "|" || char == "{" || char == "}" { return nil }
            if char == "$", chars[index + 1] == "$" {
                pos = index + 2
                return separator
            }
            separator.unicodeScalars.append(char)
            index += 1
        }
        return nil
    }

    /// Reads `2::` or `0.5::` (after optional spaces) and consumes it; 1 when absent.
    private mutating func optionWeight() throws -> Double {
        var index = pos
        while index < chars.count, chars[index] == " " || chars[index] == "\n" || chars[index] == "\t" { index += 1 }
        let start = index
        while index < chars.count, chars[index].isASCII, chars[index].isNumber || chars[index] == "." { index += 1 }
        guard index > start, index + 1 < chars.count, chars[index] == ":", chars[index + 1] == ":" else { return 1 }
        let literal = String(String.UnicodeScalarView(chars[start..<index]))
        guard let weight = Double(literal), weight.isFinite, weight >= 0 else {
            throw PromptError.syntax("weight '\(literal)' is not a number", column: start + 1)
        }
        pos = index + 2
        return weight
    }

    // MARK: Variables

    mutating func parseVariable() throws -> PromptNode {
        let open = column
        try enterNesting()
        defer { nesting -= 1 }
        pos += 2  // "${"
        var name = ""
        while let char = current, char.isLetter || char.isNumber || char == "_" || char == "-" {
            name.unicodeScalars.append(char); pos += 1
        }
        guard !name.isEmpty else {
            throw PromptError.syntax("expected a variable name after '${'", column: column)
        }
        guard let char = current else {
            throw PromptError.syntax("unclosed '${' opened at column \(open)", column: column)
        }
        switch char {
        case "}":
            pos += 1
            return .variable(VariableReference(name: name, column: open))
        case ":":
            pos += 1
            var value = ""
            while let next = current, next != "}" { value.unicodeScalars.append(next); pos += 1 }
            guard current == "}" else {
                throw PromptError.syntax("unclosed '${' opened at column \(open)", column: column)
            }
            pos += 1
            return .variable(VariableReference(name: name, defaultValue: value, column: open))
        case "=", "?":
            let keeps = char == "?"
            if keeps, peek(1) != "=" {
                throw PromptError.syntax("expected '=' after '?' in variable '\(name)'", column: column + 1)
            }
            pos += keeps ? 2 : 1
            let immediate = current == "!"
            if immediate { pos += 1 }
            let value = try parseSequence(terminators: ["}"])
            guard current == "}" else {
                throw PromptError.syntax("unclosed '${' opened at column \(open)", column: column)
            }
            pos += 1
            return .assignment(VariableAssignment(name: name, value: trimmed(value), immediate: immediate,
                                                  keepsExisting: keeps, column: open))
        default:
            throw PromptError.syntax("unexpected '\(char)' in variable '\(name)' (expected '}', '=', '?=' or ':')",
                                     column: column)
        }
    }

    // MARK: Wildcards

    mutating func parseWildcard() throws -> WildcardNode {
        let open = column
        pos += 2  // "__"
        var sampler: SamplerHint?
        if let char = current, let hint = SamplerHint(rawValue: String(char)) {
            sampler = hint
            pos += 1
        }
        var body = ""
        while true {
            guard let char = current, !"{}|$\n".unicodeScalars.contains(char) else {
                throw PromptError.syntax("unclosed wildcard '__' opened at column \(open) (end it with '__')",
                                         column: column)
            }
            if char == "_", peek(1) == "_", !body.isEmpty, !(body.contains("(") && !body.contains(")")) {
                pos += 2
                break
            }
            body.unicodeScalars.append(char)
            pos += 1
        }
        var pattern = body
        var parameters: [String: String] = [:]
        if let paren = body.firstIndex(of: "(") {
            guard body.hasSuffix(")") else {
                throw PromptError.syntax("wildcard parameters must end with ')'", column: open)
            }
            pattern = String(body[..<paren])
            let inner = body[body.index(after: paren)..<body.index(before: body.endIndex)]
            for pair in inner.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                let key = parts.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard parts.count == 2, !key.isEmpty else {
                    throw PromptError.syntax("wildcard parameter '\(pair)' must look like name=value", column: open)
                }
                parameters[key] = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        let allowed: (Character) -> Bool = { $0.isLetter || $0.isNumber || "_-/*?. ".contains($0) }
        guard !pattern.isEmpty, pattern.allSatisfy(allowed) else {
            throw PromptError.syntax("'\(pattern)' is not a valid wildcard name", column: open)
        }
        return WildcardNode(pattern: pattern, parameters: parameters, column: open, sampler: sampler)
    }

    // MARK: Helpers

    /// Trims whitespace at the outer edges of an option or value.
    private func trimmed(_ node: PromptNode) -> PromptNode {
        switch node {
        case .text(let text):
            return .text(String(text.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed()))
        case .sequence(var nodes):
            if case .text(let first)? = nodes.first {
                nodes[0] = .text(String(first.drop(while: { $0.isWhitespace })))
            }
            if case .text(let last)? = nodes.last {
                nodes[nodes.count - 1] = .text(String(last.reversed().drop(while: { $0.isWhitespace }).reversed()))
            }
            return .sequence(nodes)
        default:
            return node
        }
    }
}

private extension Unicode.Scalar {
    var isWhitespace: Bool { properties.isWhitespace }
    var isLetter: Bool { properties.isAlphabetic }
    var isNumber: Bool { properties.numericType != nil }
}
