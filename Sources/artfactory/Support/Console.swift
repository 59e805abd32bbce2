import ArtFactoryProtocol
import Foundation

/// Output helpers: data on stdout, messages on stderr, JSON when asked.
enum Console {
    static func out(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }

    static func error(_ s: String) {
        FileHandle.standardError.write(Data("artfactory: \(s)\n".utf8))
    }

    static func json(_ v: JSONValue) { out(JSONWriter.prettyString(v)) }

    /// Whether stdout/stderr is a terminal (progress bars, colours and confirmations only then).
    static var stdoutIsTTY: Bool { isatty(1) == 1 }
    static var stderrIsTTY: Bool { isatty(2) == 1 }

    /// Left-aligned columns with a header, for people.
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        out(line(header))
        for r in rows { out(line(r)) }
    }

    /// `1h 02m`, `3m 05s`, `4.2s`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds)
        if s < 3600 { return String(format: "%dm %02ds", s / 60, s % 60) }
        return String(format: "%dh %02dm", s / 3600, (s % 3600) / 60)
    }
}
