import ArtFactoryImaging
import Foundation

/// Shows an image inside the terminal when it speaks the kitty graphics protocol, iTerm2's
/// inline-image escape or DEC sixels (judged from TERM / TERM_PROGRAM, or `ARTFACTORY_GRAPHICS`
/// = kitty|iterm2|sixel|none to say so); does nothing elsewhere.
enum InlineImage {
    enum Kind: Equatable { case kitty, iterm2, sixel }

    /// Terminals known to draw sixels by default.
    static let sixelTerminals: Set<String> = ["mlterm", "foot", "foot-extra", "yaft-256color", "xterm-sixel", "contour"]

    /// Which protocol the terminal supports.
    static func detect(_ environment: [String: String]) -> Kind? {
        switch environment["ARTFACTORY_GRAPHICS"] {
        case "kitty"?: return .kitty
        case "iterm2"?: return .iterm2
        case "sixel"?: return .sixel
        case "none"?: return nil
        default: break
        }
        if environment["TERM"] == "xterm-kitty" || environment["KITTY_WINDOW_ID"] != nil { return .kitty }
        if environment["TERM_PROGRAM"] == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" { return .iterm2 }
        if let term = environment["TERM"], sixelTerminals.contains(term) { return .sixel }
        if environment["TERM_PROGRAM"] == "WezTerm" || environment["WT_SESSION"] != nil { return .sixel }
        return nil
    }

    /// Sixels of a thumbnail (WebP, PNG or JPEG bytes), or nil when it cannot be decoded.
    static func sixel(_ data: Data, maxSide: Int = 192) -> String? {
        let decoded: PixelBuffer?
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            decoded = try? PNGDecoder.decode(data)
        } else if data.starts(with: [0xFF, 0xD8]) {
            decoded = try? JPEGDecoder.decode(data)
        } else {
            decoded = try? WebPDecoder.decode(data)
        }
        return decoded.map { Sixel.encode($0, maxSide: maxSide) }
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
        case .sixel?:
            return thumbnail.flatMap { sixel($0) }
        case nil:
            return nil
        }
    }
}
