import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// The columns `gallery list`, `gallery search` and `gallery similar` can show, and the `--format` option that picks them.
///
/// `--format` takes either a comma-separated list of column names (`id,seed,prompt`: a table with
/// those columns) or a template with `{name}` placeholders (`{id}\t{prompt}`: one line per image,
/// no header; `\t` and `\n` are tabs and new lines). The prompt (or, in search, the matched passage)
/// is the one column that shrinks so a table fits the terminal's width.
enum ImageColumn: String, CaseIterable {
    case id, created, size, bytes, fav, rating, model, seed, steps, sampler, project, tags, prompt, negative, score, match, path

    var header: String {
        switch self {
        case .fav: return "FAV"
        case .negative: return "NEGATIVE"
        default: return rawValue.uppercased()
        }
    }

    /// The default table: enough to tell images apart at a glance.
    static let listDefault: [ImageColumn] = [.id, .created, .size, .rating, .model, .seed, .prompt]
    static let searchDefault: [ImageColumn] = [.id, .created, .size, .rating, .model, .score, .match]
    static let similarDefault: [ImageColumn] = [.id, .created, .size, .rating, .model, .score, .prompt]

    /// Columns that hold free text and are cut to fit (the last of them shrinks first).
    var isText: Bool { self == .prompt || self == .negative || self == .match || self == .tags }

    /// Default-table columns given up, in this order, when the terminal is too narrow for the text
    /// column to keep ``ImageFormat/minimumText`` characters (an explicit `--format` keeps its columns).
    static let dropOrder: [ImageColumn] = [.size, .rating, .score, .created, .model]

    func value(_ image: GalleryImage, score: Double?, snippet: String?) -> String {
        switch self {
        case .id: return image.id
        case .created:
            return ImageColumn.dateFormatter.string(from: Date(timeIntervalSince1970: Double(image.createdAt) / 1000))
        case .size: return "\(image.width)x\(image.height)"
        case .bytes: return "\(image.bytes)"
        case .fav: return image.favorite ? "*" : ""
        case .rating: return image.rating > 0 ? String(repeating: "★", count: image.rating) : ""
        case .model: return image.model
        case .seed: return image.seed.map(String.init) ?? ""
        case .steps: return image.steps.map(String.init) ?? ""
        case .sampler: return image.sampler ?? ""
        case .project: return image.project ?? ""
        case .tags: return (image.tags ?? []).joined(separator: ",")
        case .prompt: return ImageColumn.oneLine(image.prompt ?? "")
        case .negative: return ImageColumn.oneLine(image.negativePrompt ?? "")
        case .score: return score.map { String(format: "%.2f", $0) } ?? ""
        case .match: return ImageColumn.oneLine(snippet ?? image.prompt ?? "")
        case .path: return image.path
        }
    }

    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\t" }).joined(separator: " ")
    }

    nonisolated(unsafe) static let dateFormatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        f.timeZone = TimeZone.current
        return f
    }()
}

/// How image rows are printed: a table of columns, or a line template.
enum ImageFormat {
    case table([ImageColumn])
    case template(String)

    /// Parses `--format`; `nil` means the command's default table.
    /// - Throws: `ValidationError` naming an unknown column and listing the known ones.
    static func parse(_ text: String?, default columns: [ImageColumn]) throws -> ImageFormat {
        guard let text, !text.isEmpty else { return .table(columns) }
        let known = ImageColumn.allCases.map(\.rawValue).joined(separator: ", ")
        if text.contains("{") {
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else {
                    throw ValidationError("--format: '{' without a closing '}' in \(text)")
                }
                let name = String(rest[rest.index(after: open)..<close])
                guard ImageColumn(rawValue: name) != nil else {
                    throw ValidationError("--format: unknown column '{\(name)}'; columns: \(known)")
                }
                rest = rest[rest.index(after: close)...]
            }
            return .template(text.replacingOccurrences(of: "\\t", with: "\t").replacingOccurrences(of: "\\n", with: "\n"))
        }
        var picked: [ImageColumn] = []
        for raw in text.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let column = ImageColumn(rawValue: name) else {
                throw ValidationError("--format: unknown column '\(name)'; columns: \(known)")
            }
            picked.append(column)
        }
        guard !picked.isEmpty else { throw ValidationError("--format: name at least one column; columns: \(known)") }
        return .table(picked)
    }

    /// Prints the rows; tables fit `width` columns of text by cutting the free-text columns.
    /// The narrowest a text column is cut to before default columns are dropped.
    static let minimumText = 24

    func print(_ images: [GalleryImage], scores: [Double]? = nil, snippets: [String?]? = nil, width: Int? = Terminal.width,
               isDefault: Bool = false) {
        switch self {
        case .template(let template):
            for (i, image) in images.enumerated() {
                var line = template
                for column in ImageColumn.allCases where line.contains("{\(column.rawValue)}") {
                    line = line.replacingOccurrences(of: "{\(column.rawValue)}",
                                                     with: column.value(image, score: scores?[i], snippet: snippets?[i] ?? nil))
                }
                Console.out(line)
            }
        case .table(var columns):
            func rows(_ columns: [ImageColumn]) -> [[String]] {
                images.enumerated().map { i, image in columns.map { $0.value(image, score: scores?[i], snippet: snippets?[i] ?? nil) } }
            }
            if isDefault, let width {
                // Give up low-priority columns until the fixed ones leave the text room.
                var candidates = ImageColumn.dropOrder.filter(columns.contains)
                while let next = candidates.first {
                    let table = rows(columns)
                    let fixed = columns.indices.filter { !columns[$0].isText }.map { i in
                        table.reduce(columns[i].header.count) { max($0, $1[i].count) }
                    }.reduce(0, +)
                    let texts = columns.filter(\.isText).count
                    if fixed + 2 * (columns.count - 1) + texts * ImageFormat.minimumText <= width { break }
                    columns.removeAll { $0 == next }
                    candidates.removeFirst()
                }
            }
            Console.out(ImageFormat.fitted(header: columns.map(\.header), rows: rows(columns), textColumns: columns.map(\.isText), width: width))
        }
    }

    /// A left-aligned table whose text columns are cut (with `…`) so no line is wider than `width`
    /// (no limit when `nil`). Fixed columns keep their full width; each text column keeps at least 8.
    static func fitted(header: [String], rows: [[String]], textColumns: [Bool], width: Int?) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        if let width {
            let gaps = 2 * max(0, header.count - 1)
            var over = widths.reduce(0, +) + gaps - width
            for i in widths.indices.reversed() where over > 0 && textColumns[i] {
                let cut = min(over, max(0, widths[i] - max(8, header[i].count)))
                widths[i] -= cut
                over -= cut
            }
        }
        func cell(_ s: String, _ w: Int) -> String { s.count <= w ? s : String(s.prefix(max(0, w - 1))) + "…" }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let text = cell(c, widths[i])
                return i == cells.count - 1 ? text : text.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}

/// The terminal's size, for output that fits it.
enum Terminal {
    /// Columns of the terminal on stdout; `$COLUMNS` when stdout is not a terminal but it is set;
    /// `nil` (no limit) for pipes and files otherwise, so scripts get whole values.
    static var width: Int? {
        if isatty(1) == 1 {
            var size = winsize()
            if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        }
        if let env = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(env), n > 0 { return n }
        return isatty(1) == 1 ? 80 : nil
    }
}
