import Foundation

/// A saved prompt with named placeholders and the generation parameters that go with it.
///
/// Placeholders are written `{{name}}` or `{{name|inline default}}`; names are letters, digits, `_`,
/// `-` and `.`. A placeholder's value comes from the values given to ``render(values:)``, else
/// ``defaults``, else its inline default. Rendering happens before prompt expansion, so a value may
/// itself contain Dynamic Prompts syntax (`{red|blue}`, `__colors__`). A `{{` that does not form a
/// placeholder (e.g. the nested variant `{{a|b}|c}`) is left for the expander.
///
/// ```swift
/// let template = PromptTemplate(name: "product", text: "a {{subject}} in {{style}} style, {{light|soft light}}",
///                               params: ["steps": 30, "width": 768])
/// let prompt = try template.render(values: ["subject": "teapot", "style": "art deco"])
/// ```
public struct PromptTemplate: Sendable, Equatable, Codable {
    /// The template's name, as shown in lists.
    public var name: String
    /// Text with `{{placeholders}}`.
    public var text: String
    /// Values used when a render supplies none.
    public var defaults: [String: String]
    /// Generation parameters carried by the template (e.g. `steps`, `width`, `sampler`); the daemon
    /// applies them under any explicit request parameters.
    public var params: [String: TemplateValue]

    /// Creates a template; placeholders are read from `text` when rendered.
    public init(name: String, text: String, defaults: [String: String] = [:], params: [String: TemplateValue] = [:]) {
        self.name = name
        self.text = text
        self.defaults = defaults
        self.params = params
    }

    /// One placeholder found in ``text``.
    public struct Placeholder: Sendable, Equatable {
        /// Placeholder name.
        public var name: String
        /// The `|default` written in the placeholder, if any.
        public var inlineDefault: String?
        /// 1-based column of its `{{`.
        public var column: Int
    }

    /// The placeholders in order of appearance (a name may appear more than once).
    public func placeholders() -> [Placeholder] {
        scan().compactMap { piece in
            if case .placeholder(let placeholder) = piece { return placeholder }
            return nil
        }
    }

    /// Names that must be supplied because they have no default (in order, without repeats).
    public func requiredNames() -> [String] {
        var seen = Set<String>()
        return placeholders().filter { $0.inlineDefault == nil && defaults[$0.name] == nil }
            .map(\.name).filter { seen.insert($0).inserted }
    }

    /// Fills every placeholder.
    /// - Parameter values: values by placeholder name; names the template does not use are ignored.
    /// - Returns: the text with placeholders replaced.
    /// - Throws: ``PromptError`` (`prompt.missing_template_value`) naming every placeholder without a value.
    public func render(values: [String: String] = [:]) throws -> String {
        var output = ""
        var missing: [String] = []
        for piece in scan() {
            switch piece {
            case .text(let text):
                output += text
            case .placeholder(let placeholder):
                if let value = values[placeholder.name] ?? defaults[placeholder.name] ?? placeholder.inlineDefault {
                    output += value
                } else if !missing.contains(placeholder.name) {
                    missing.append(placeholder.name)
                }
            }
        }
        guard missing.isEmpty else {
            let list = missing.map { "{{\($0)}}" }.joined(separator: ", ")
            throw PromptError(code: .missingTemplateValue,
                              message: "Template '\(name)' needs a value for \(list). Pass "
                                  + missing.map { "\($0)=…" }.joined(separator: ", ")
                                  + " or give the placeholder a default like {{\(missing[0])|value}}.")
        }
        return output
    }

    private enum Piece {
        case text(String)
        case placeholder(Placeholder)
    }

    private func scan() -> [Piece] {
        let chars = Array(text)
        var pieces: [Piece] = []
        var literal = ""
        var index = 0
        while index < chars.count {
            if chars[index] == "{", index + 1 < chars.count, chars[index + 1] == "{",
               let (placeholder, end) = placeholder(in: chars, at: index) {
                if !literal.isEmpty { pieces.append(.text(literal)); literal = "" }
                pieces.append(.placeholder(placeholder))
                index = end
            } else {
                literal.append(chars[index])
                index += 1
            }
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return pieces
    }

    /// Reads `{{name}}` or `{{name|default}}` at `start`; returns it and the index after `}}`.
    private func placeholder(in chars: [Character], at start: Int) -> (Placeholder, Int)? {
        var index = start + 2
        while index < chars.count, chars[index] == " " { index += 1 }
        var name = ""
        while index < chars.count, chars[index].isLetter || chars[index].isNumber || "_-.".contains(chars[index]) {
            name.append(chars[index]); index += 1
        }
        while index < chars.count, chars[index] == " " { index += 1 }
        guard !name.isEmpty, index < chars.count else { return nil }
        var inlineDefault: String?
        if chars[index] == "|" {
            index += 1
            var value = ""
            while index < chars.count, chars[index] != "}", chars[index] != "{", chars[index] != "|" {
                value.append(chars[index]); index += 1
            }
            inlineDefault = value.trimmingCharacters(in: .whitespaces)
        }
        guard index + 1 < chars.count, chars[index] == "}", chars[index + 1] == "}" else { return nil }
        return (Placeholder(name: name, inlineDefault: inlineDefault, column: start + 1), index + 2)
    }
}
