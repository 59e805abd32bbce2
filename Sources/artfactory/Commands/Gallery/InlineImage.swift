import Foundation

/// Shows an image inside the terminal when it speaks the kitty graphics protocol or iTerm2's
/// inline-image escape (judged from TERM / TERM_PROGRAM); does nothing elsewhere.
enum InlineImage {
    enum Kind: Equatable { case kitty, iterm2 }

    /// Which protocol the terminal supports.
    static func detect(_ environment: [String: String]) -> Kind? {
        if environment["TERM"] == "xterm-kitty" || environment["KITTY_WINDOW_ID"] != nil { return .kitty }
        if environment["TERM_PROGRAM"] == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" { return .iterm2 }
        return nil
    }

    /// The escape sequence that shows the image, or nil when the terminal cannot.
    /// iTerm2 gets the WebP thumbnail's bytes; kitty (which decodes only PNG itself) is told to read
    /// the original PNG from disk (`t=f`), scaled to 32 columns.
    static func escape(thumbnail: Data?, originalPath: String, mime: String, environment: [String: String]) -> String? {
        switch detect(environment) {
        case .iterm2?:
            guard let thumbnail else { return nil }
            return "\u{1b}]1337;File=inline=1;size=\(thumbnail.count);preserveAspectRatio=1:\(thumbnail.base64EncodedString())\u{07}"
        case .kitty?:
            guard mime == "image/png" else { return nil }
            return "\u{1b}_Ga=T,f=100,t=f,c=32;\(Data(originalPath.utf8).base64EncodedString())\u{1b}\\"
        case nil:
            return nil
        }
    }
}
