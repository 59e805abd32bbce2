import Foundation

/// What a reviewed image counts under in the analytics: its prompt, template, prompt terms and
/// words, style profile and its terms, model, preset, size and week, each in the "all projects"
/// scope (`""`) and in its project's scope.
public enum FeedbackFeatures {
    /// Feature kinds, as stored in `feedback_stats.kind`.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// One row per scope with value `""`: the base rate.
        case all
        case prompt, template, term, word, profile, style, model, preset, size, week
    }

    /// Words too common to say anything (articles, prepositions).
    static let stopWords: Set<String> = ["a", "an", "the", "of", "in", "on", "at", "and", "or", "with", "for", "to", "by",
                                         "from", "as", "is", "it", "its", "into", "over", "under", "very"]
    /// Longest stored value; longer prompts are cut (rare; keys stay bounded).
    static let maxValueLength = 500

    /// The facts of one image the features come from.
    struct Source {
        var projectId: String?
        var model: String
        var width: Int
        var height: Int
        var createdAt: Int64
        var prompt: String?
        var params: CatalogJSON?
        var generationModel: String?
    }

    /// The `(kind, value)` pairs of an image, deduplicated, in a stable order.
    static func pairs(_ s: Source) -> [(Kind, String)] {
        var out: [(Kind, String)] = [(.all, "")]
        var seen = Set<String>()
        func add(_ kind: Kind, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            let cut = String(value.prefix(maxValueLength))
            if seen.insert(kind.rawValue + "\u{1}" + cut).inserted { out.append((kind, cut)) }
        }
        let params = s.params?.objectValue ?? [:]
        if let prompt = s.prompt {
            add(.prompt, normalizedPrompt(prompt))
            for term in terms(prompt) { add(.term, term) }
            for word in words(prompt) { add(.word, word) }
        }
        add(.template, string(params["template"]))
        if let profile = params["profile"]?.objectValue {
            add(.profile, string(profile["name"]))
            for term in array(profile["terms"]) {
                add(.style, string(term.objectValue?["term"]).map { normalizedTerm($0) })
            }
        }
        let model = s.model.isEmpty ? (s.generationModel ?? "") : s.model
        add(.model, model)
        add(.preset, string(params["preset"]))
        let width = int(params["width"]) ?? s.width
        let height = int(params["height"]) ?? s.height
        if width > 0 && height > 0 { add(.size, "\(width)x\(height)") }
        add(.week, week(of: s.createdAt))
        return out
    }

    private static func string(_ v: CatalogJSON?) -> String? {
        if case .string(let s)? = v { return s }
        return nil
    }

    private static func int(_ v: CatalogJSON?) -> Int? {
        switch v {
        case .int(let i)?: return Int(exactly: i)
        case .double(let d)?: return Int(exactly: d)
        default: return nil
        }
    }

    private static func array(_ v: CatalogJSON?) -> [CatalogJSON] {
        if case .array(let a)? = v { return a }
        return []
    }

    /// The stored features JSON: `[[scope, kind, value], …]` for the global scope and the project's.
    static func json(_ s: Source) -> String {
        var rows: [[String]] = []
        let pairs = pairs(s)
        for scope in [""] + (s.projectId.map { [$0] } ?? []) {
            for (kind, value) in pairs { rows.append([scope, kind.rawValue, value]) }
        }
        let data = (try? JSONEncoder().encode(rows)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The prompt as a key: whitespace collapsed, trimmed (case kept: it is shown and reused).
    public static func normalizedPrompt(_ prompt: String) -> String {
        prompt.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Comma- or `|`-separated phrases, lowercased, with emphasis syntax `(term:1.2)`, `((term))`,
    /// `[term]` removed.
    public static func terms(_ prompt: String) -> [String] {
        prompt.split(whereSeparator: { $0 == "," || $0 == "|" || $0 == "\n" }).map { normalizedTerm(String($0)) }.filter { !$0.isEmpty }
    }

    static func normalizedTerm(_ raw: String) -> String {
        var text = raw.lowercased()
        // Drop a trailing emphasis weight such as ":1.2" inside parentheses.
        if let colon = text.lastIndex(of: ":"), text[text.index(after: colon)...].allSatisfy({ $0.isNumber || $0 == "." || $0 == ")" || $0 == " " }) {
            text = String(text[..<colon])
        }
        text = String(text.filter { !"()[]{}".contains($0) })
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Single words of at least two letters, lowercased, without stop words.
    public static func words(_ prompt: String) -> [String] {
        prompt.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") })
            .map(String.init).filter { $0.count >= 2 && !stopWords.contains($0) && !$0.allSatisfy(\.isNumber) }
    }

    /// The Monday (UTC) of the week holding `millis`, as `YYYY-MM-DD`.
    public static func week(of millis: Int64) -> String {
        let day = Int64((Double(millis) / 86_400_000).rounded(.down))
        // 1970-01-01 was a Thursday: days since the epoch + 3, mod 7, is days since Monday.
        let monday = day - ((day + 3) % 7 + 7) % 7
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(monday) * 86_400)
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }
}
