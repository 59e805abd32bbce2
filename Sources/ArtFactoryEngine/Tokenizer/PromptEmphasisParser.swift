import Foundation

/// Parses A1111-style emphasis in a prompt into text segments with weights.
///
/// - `(text)` × 1.1, `((text))` × 1.21, `[text]` ÷ 1.1, `(text:1.3)` × 1.3 (replacing the 1.1 of that
///   bracket); nesting multiplies.
/// - `\(`, `\)`, `\[`, `\]`, `\\` are the literal characters.
/// - Unbalanced brackets are forgiving: an unmatched closer is literal text; brackets still open at the
///   end apply to the rest of the prompt.
/// - `BREAK` (upper case, a word of its own) becomes a break segment that starts a new window.
/// Adjacent segments with equal weight are merged.
public enum PromptEmphasisParser {
    /// One run of prompt text and its weight.
    public struct Segment: Sendable, Equatable {
        public var text: String
        public var weight: Float
        /// The `BREAK` keyword: the tokenizer starts a new window here (`text` is empty).
        public var isBreak = false
    }

    private static let roundMultiplier: Float = 1.1
    private static let squareMultiplier: Float = 1 / 1.1

    /// Splits `prompt` into weighted segments. Never throws: bad syntax degrades to literal text.
    public static func parse(_ prompt: String) -> [Segment] {
        var segments: [Segment] = []
        var roundStarts: [Int] = []
        var squareStarts: [Int] = []
        let chars = Array(prompt)
        var text = ""
        func flush() {
            if !text.isEmpty { segments.append(Segment(text: text, weight: 1)); text = "" }
        }
        func multiply(from start: Int, by factor: Float) {
            for k in start..<segments.count { segments[k].weight *= factor }
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "()[]\\".contains(chars[i + 1]) {
                text.append(chars[i + 1])
                i += 2
                continue
            }
            switch c {
            case "(":
                flush(); roundStarts.append(segments.count)
            case "[":
                flush(); squareStarts.append(segments.count)
            case ")" where !roundStarts.isEmpty:
                var factor = roundMultiplier
                if let colon = text.lastIndex(of: ":"), let value = Float(text[text.index(after: colon)...].trimmingSpaces()) {
                    factor = value
                    text = String(text[..<colon])
                }
                flush()
                multiply(from: roundStarts.removeLast(), by: factor)
            case "]" where !squareStarts.isEmpty:
                flush(); multiply(from: squareStarts.removeLast(), by: squareMultiplier)
            default:
                text.append(c)
            }
            i += 1
        }
        flush()
        for start in roundStarts { multiply(from: start, by: roundMultiplier) }
        for start in squareStarts { multiply(from: start, by: squareMultiplier) }
        var merged: [Segment] = []
        for segment in segments.flatMap(splitBreaks) {
            if let last = merged.last, last.weight == segment.weight, !last.isBreak, !segment.isBreak {
                merged[merged.count - 1].text += segment.text
            } else {
                merged.append(segment)
            }
        }
        return merged.isEmpty ? [Segment(text: "", weight: 1)] : merged
    }
}

extension PromptEmphasisParser {
    /// Splits a segment on the word `BREAK`, as A1111's `\s*\bBREAK\b\s*`.
    static func splitBreaks(_ segment: Segment) -> [Segment] {
        let parts = segment.text.components(separatedBy: "BREAK")
        guard parts.count > 1 else { return [segment] }
        var out: [Segment] = []
        var pending = parts[0]
        for part in parts.dropFirst() {
            let before = pending.last.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false
            let after = part.first.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false
            if before || after {
                pending += "BREAK" + part  // part of a longer word, e.g. "BREAKING"
                continue
            }
            let text = pending.trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { out.append(Segment(text: text, weight: segment.weight)) }
            out.append(Segment(text: "", weight: -1, isBreak: true))
            pending = part
        }
        let text = pending.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty { out.append(Segment(text: text, weight: segment.weight)) }
        return out
    }
}

private extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
