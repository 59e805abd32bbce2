/// Prompt text reduced to plain lowercase words for term matching: emphasis syntax (`( ) [ ]`,
/// `:1.2` weights, escapes) removed, punctuation other than `-` and `'` turned into spaces.
struct TermText {
    /// Space-delimited words with a space at both ends, so `" phrase "` matches whole words only.
    let padded: String

    init(_ prompt: String) {
        padded = " " + Self.words(prompt).joined(separator: " ") + " "
    }

    /// Whether the phrase occurs as whole words.
    func contains(_ phrase: String) -> Bool {
        let words = Self.words(phrase)
        guard !words.isEmpty else { return false }
        return padded.contains(" " + words.joined(separator: " ") + " ")
    }

    /// The first phrase of `phrases` that occurs, if any.
    func firstMatch(_ phrases: [String]) -> String? {
        phrases.first(where: contains)
    }

    static func words(_ text: String) -> [String] {
        var cleaned = ""
        var skippingWeight = false
        for char in text.lowercased() {
            if skippingWeight {
                if char.isNumber || char == "." { continue }
                skippingWeight = false
            }
            if char == ":" {
                skippingWeight = true
                cleaned.append(" ")
            } else if char.isLetter || char.isNumber || char == "-" || char == "'" {
                cleaned.append(char)
            } else {
                cleaned.append(" ")
            }
        }
        return cleaned.split(separator: " ").map(String.init)
    }
}
