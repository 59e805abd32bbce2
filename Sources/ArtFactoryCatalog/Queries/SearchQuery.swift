import Foundation

/// A user's search text turned into a safe FTS5 MATCH expression.
///
/// Every word becomes a quoted phrase (`"red" "fox"`: all must match, in any column), so quotes,
/// colons, parentheses, `AND`/`OR`/`NEAR` and other FTS5 syntax in user text can never cause a
/// syntax error or change the query's meaning. A trailing `*` on a word keeps prefix search
/// (`cat*` matches cat, cats, catalog). Words without any letter or digit are dropped.
public struct SearchQuery: Sendable, Hashable {
    /// The words kept, without quotes; a prefix word keeps its trailing `*`.
    public let terms: [String]

    /// Parses user text.
    /// - Throws: ``CatalogError`` `invalid_argument` when no searchable word remains.
    public init(_ text: String) throws {
        var terms: [String] = []
        for raw in text.split(whereSeparator: { $0.isWhitespace }) {
            var word = String(raw)
            let isPrefix = word.hasSuffix("*")
            word = word.trimmingCharacters(in: CharacterSet(charactersIn: "*"))
            guard word.unicodeScalars.contains(where: { CharacterSet.alphanumerics.contains($0) }) else { continue }
            terms.append(isPrefix ? word + "*" : word)
        }
        guard !terms.isEmpty else {
            throw CatalogError.invalid("The search text has no words to look for; type at least one word (a trailing * searches by prefix).")
        }
        self.terms = terms
    }

    /// The FTS5 expression: each term as a quoted string, prefix terms followed by `*`.
    public var matchExpression: String {
        terms.map { term in
            let isPrefix = term.hasSuffix("*")
            let word = isPrefix ? String(term.dropLast()) : term
            let quoted = "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return isPrefix ? quoted + " *" : quoted
        }.joined(separator: " ")
    }
}
