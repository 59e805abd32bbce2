import Foundation
import Glibc

/// A key press, decoded from the bytes a terminal sends in raw mode.
enum Key: Equatable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab
    case control(UInt8)
}

/// The terminal in full-screen raw mode: the alternate screen, no echo, no line buffering, keys as
/// they are typed. ``restore()`` (also run by `deinit`) puts everything back, so a crash inside the
/// browser does not leave the user's shell unusable.
final class TerminalScreen {
    private var saved = termios()
    private var active = false
    private var pending: [UInt8] = []

    /// Enters raw mode on stdin and the alternate screen on stdout.
    /// - Throws: `CLIFailure.usage` when stdin or stdout is not a terminal.
    init() throws {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw CLIFailure.usage("browse needs a terminal on stdin and stdout; for scripts use: artfactory gallery list --json")
        }
        guard tcgetattr(0, &saved) == 0 else { throw CLIFailure.usage("cannot read the terminal's settings (tcgetattr failed)") }
        var raw = saved
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        guard tcsetattr(0, TCSAFLUSH, &raw) == 0 else { throw CLIFailure.usage("cannot switch the terminal to raw mode") }
        active = true
        write("\u{1b}[?1049h\u{1b}[?25l\u{1b}[H\u{1b}[2J")
    }

    deinit { restore() }

    /// Leaves the alternate screen, shows the cursor and restores the saved settings. Idempotent.
    func restore() {
        guard active else { return }
        active = false
        write("\u{1b}[0m\u{1b}[?25h\u{1b}[?1049l")
        _ = tcsetattr(0, TCSAFLUSH, &saved)
    }

    /// Columns and rows (80x24 when the size cannot be read).
    var size: (columns: Int, rows: Int) {
        var ws = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 { return (Int(ws.ws_col), Int(ws.ws_row)) }
        return (80, 24)
    }

    func write(_ s: String) {
        var bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + off, $0.count - off) }
            if n < 0 { if errno == EINTR { continue } else { return } }
            off += n
        }
    }

    /// The next key, waiting at most `timeout` seconds; `nil` when none came.
    func readKey(timeout: Double) -> Key? {
        if pending.isEmpty {
            guard wait(timeout) else { return nil }
            fill()
        }
        guard !pending.isEmpty else { return nil }
        let b = pending.removeFirst()
        switch b {
        case 0x1b:
            // An escape sequence arrives in one burst; a lone ESC is the Escape key.
            if pending.isEmpty, wait(0.03) { fill() }
            guard let next = pending.first, next == UInt8(ascii: "[") || next == UInt8(ascii: "O") else { return .escape }
            pending.removeFirst()
            var body: [UInt8] = []
            while let c = pending.first {
                pending.removeFirst()
                body.append(c)
                if (0x40...0x7e).contains(c) { break }
            }
            switch String(decoding: body, as: UTF8.self) {
            case "A": return .up
            case "B": return .down
            case "C": return .right
            case "D": return .left
            case "H", "1~", "7~": return .home
            case "F", "4~", "8~": return .end
            case "5~": return .pageUp
            case "6~": return .pageDown
            default: return nil
            }
        case 0x0d, 0x0a: return .enter
        case 0x7f, 0x08: return .backspace
        case 0x09: return .tab
        case 0x00..<0x20: return .control(b)
        default:
            // Gather the rest of a UTF-8 sequence.
            var bytes = [b]
            let extra = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0
            for _ in 0..<extra where !pending.isEmpty { bytes.append(pending.removeFirst()) }
            return String(decoding: bytes, as: UTF8.self).first.map { .char($0) }
        }
    }

    private func wait(_ timeout: Double) -> Bool {
        var p = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, Int32(max(0, timeout * 1000))) > 0
    }

    private func fill() {
        var buf = [UInt8](repeating: 0, count: 256)
        let n = buf.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
        if n > 0 { pending += buf[0..<n] }
    }
}

/// Text helpers for fixed-width screens.
enum ScreenText {
    /// `s` cut or padded to exactly `width` columns (one column per character; wide glyphs are rare
    /// in prompts and ids).
    static func fit(_ s: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        let flat = s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        if flat.count > width { return String(flat.prefix(width - 1)) + "…" }
        return flat + String(repeating: " ", count: width - flat.count)
    }

    /// Greedy word wrap to `width` columns, at most `lines` lines (the last ends with `…` when cut).
    static func wrap(_ s: String, _ width: Int, lines: Int) -> [String] {
        guard width > 0, lines > 0 else { return [] }
        var out: [String] = []
        var line = ""
        for word in s.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if line.isEmpty { line = String(word) } else if line.count + 1 + word.count <= width { line += " " + word } else {
                out.append(line)
                line = String(word)
            }
            while line.count > width {
                out.append(String(line.prefix(width)))
                line = String(line.dropFirst(width))
            }
        }
        if !line.isEmpty { out.append(line) }
        if out.count > lines {
            out = Array(out.prefix(lines))
            out[lines - 1] = fit(out[lines - 1] + " …", width).trimmingCharacters(in: .whitespaces)
            if !out[lines - 1].hasSuffix("…") { out[lines - 1] = String(out[lines - 1].prefix(width - 1)) + "…" }
        }
        return out
    }
}
