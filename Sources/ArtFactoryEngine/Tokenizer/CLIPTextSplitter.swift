import Foundation

/// CLIP's text clean-up and word splitting, as transformers' `CLIPTokenizer` does it.
///
/// Clean-up: Unicode NFC, every run of white space → one space, lowercase. Splitting follows CLIP's
/// pattern `<|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+`,
/// written by hand over Unicode general categories: contractions, runs of letters, digits one by one,
/// runs of other symbols; white space separates and is dropped.
enum CLIPTextSplitter {
    private static let specials = ["<|startoftext|>", "<|endoftext|>"].map { Array($0.unicodeScalars) }
    private static let contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map { Array($0.unicodeScalars) }

    /// Normalises text the way CLIP's tokenizer does before splitting.
    static func clean(_ text: String) -> String {
        let composed = text.precomposedStringWithCanonicalMapping
        var collapsed = String.UnicodeScalarView()
        var inSpace = false
        for scalar in composed.unicodeScalars {
            if isSpace(scalar) {
                if !inSpace { collapsed.append(" ") }
                inSpace = true
            } else {
                collapsed.append(scalar)
                inSpace = false
            }
        }
        return String(collapsed).lowercased()
    }

    /// Splits cleaned text into the words BPE works on.
    static func words(_ cleaned: String) -> [String] {
        let scalars = Array(cleaned.unicodeScalars)
        var words: [String] = []
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if isSpace(s) { i += 1; continue }
            if let literal = (specials + contractions).first(where: { matches($0, scalars, at: i) }) {
                words.append(makeString(scalars[i..<(i + literal.count)]))
                i += literal.count
                continue
            }
            var j = i + 1
            if isLetter(s) {
                while j < scalars.count, isLetter(scalars[j]) { j += 1 }
            } else if isNumber(s) {
                // digits are single tokens
            } else {
                while j < scalars.count, !isSpace(scalars[j]), !isLetter(scalars[j]), !isNumber(scalars[j]) { j += 1 }
            }
            words.append(makeString(scalars[i..<j]))
            i = j
        }
        return words
    }

    private static func matches(_ literal: [Unicode.Scalar], _ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + literal.count <= scalars.count else { return false }
        for k in 0..<literal.count where scalars[i + k] != literal[k] { return false }
        return true
    }

    private static func makeString(_ slice: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: slice)
        return String(view)
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
