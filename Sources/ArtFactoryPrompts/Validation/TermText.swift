/// Prompt text reduced to plain lowercase words for term matching: emphasis syntax (`( ) [ ]`,
/// `:1.2` weights, escapes) removed, punctuation other than `-` and `'` turned into spaces.
struct TermText {
    /// Longest phrase, in words, that ``contains(_:)`` can match.
    static let maximumPhraseWords = 5
    /// Every run of 1…``maximumPhraseWords`` consecutive words, joined by single spaces.
    private let phrases: Set<String>

    init(_ prompt: String) {
        let words = Self.words(prompt)
        var phrases = Set<String>()
        for start in words.indices {
            var phrase = ""
            for end in start..<min(words.count, start + Self.maximumPhraseWords) {
                phrase += (end == start ? "" : " ") + words[end]
                phrases.insert(phrase)
            }
        }
        self.phrases = phrases
    }

    /// Whether the phrase occurs as whole words.
    func contains(_ phrase: String) -> Bool {
        phrases.contains(Self.normalized(phrase))
    }

    /// The first phrase of `phrases` that occurs, if any.
    func firstMatch(_ phrases: [String]) -> String? {
        phrases.first(where: contains)
    }

    /// The phrase as the words ``contains(_:)`` compares; fast path for already-plain phrases.
    static func normalized(_ phrase: String) -> String {
        var plain = true
        var previousWasSpace = true  // a leading space is not plain
        for byte in phrase.utf8 {
            let isSpace = byte == 0x20
            let isWordByte = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
                || byte == 0x27
            if (isSpace && previousWasSpace) || (!isSpace && !isWordByte) {
                plain = false
                break
            }
            previousWasSpace = isSpace
        }
        return plain && !previousWasSpace ? phrase : words(phrase).joined(separator: " ")
    }

    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var skippingWeight = false
        for scalar in text.lowercased().unicodeScalars {
            if skippingWeight {
                if (scalar >= "0" && scalar <= "9") || scalar == "." { continue }
                skippingWeight = false
            }
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil || scalar == "-" || scalar == "'" {
                current.unicodeScalars.append(scalar)
                continue
            }
            if !current.isEmpty { words.append(current); current = "" }
            if scalar == ":" { skippingWeight = true }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
