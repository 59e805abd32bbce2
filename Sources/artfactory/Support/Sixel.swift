import ArtFactoryImaging

/// Encodes pixels as DEC sixel graphics, for terminals that draw sixels (xterm -ti vt340, mlterm,
/// foot, WezTerm, Windows Terminal, …) but speak neither kitty's nor iTerm2's image protocol.
///
/// Colours are mapped to a 6×6×6 cube (216 registers, enough for a thumbnail); each band of six
/// rows is written colour by colour with run-length encoding.
enum Sixel {
    /// The escape sequence that draws `image` scaled (nearest neighbour) to fit `maxSide` pixels.
    static func encode(_ image: PixelBuffer, maxSide: Int = 192) -> String {
        let scale = min(1.0, Double(maxSide) / Double(max(image.width, image.height)))
        let w = max(1, Int(Double(image.width) * scale)), h = max(1, Int(Double(image.height) * scale))
        // Palette index per output pixel.
        var index = [UInt8](repeating: 0, count: w * h)
        var used = [Bool](repeating: false, count: 216)
        for y in 0..<h {
            let sy = min(image.height - 1, y * image.height / h)
            for x in 0..<w {
                let sx = min(image.width - 1, x * image.width / w)
                let o = (sy * image.width + sx) * image.channels
                var rgb = (Int(image.bytes[o]), Int(image.bytes[o + 1]), Int(image.bytes[o + 2]))
                if image.channels == 4 {
                    // Blend transparency over black, as the terminal's background usually is.
                    let a = Int(image.bytes[o + 3])
                    rgb = (rgb.0 * a / 255, rgb.1 * a / 255, rgb.2 * a / 255)
                }
                let i = ((rgb.0 * 5 + 127) / 255) * 36 + ((rgb.1 * 5 + 127) / 255) * 6 + (rgb.2 * 5 + 127) / 255
                index[y * w + x] = UInt8(i)
                used[i] = true
            }
        }
        var out = "\u{1b}P0;1q\"1;1;\(w);\(h)"
        for i in 0..<216 where used[i] {
            out += "#\(i);2;\(i / 36 * 20);\(i / 6 % 6 * 20);\(i % 6 * 20)"
        }
        for band in stride(from: 0, to: h, by: 6) {
            var first = true
            for colour in 0..<216 where used[colour] {
                var row: [UInt8] = []
                row.reserveCapacity(w)
                var any = false
                for x in 0..<w {
                    var bits: UInt8 = 0
                    for dy in 0..<6 where band + dy < h && index[(band + dy) * w + x] == UInt8(colour) { bits |= 1 << dy }
                    if bits != 0 { any = true }
                    row.append(63 + bits)
                }
                guard any else { continue }
                if !first { out += "$" }
                first = false
                out += "#\(colour)" + runLength(row)
            }
            out += "-"
        }
        return out + "\u{1b}\\"
    }

    /// `!N` repeats for runs of four or more, as sixel allows.
    private static func runLength(_ row: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < row.count {
            var j = i
            while j < row.count && row[j] == row[i] { j += 1 }
            let ch = String(UnicodeScalar(row[i]))
            out += j - i >= 4 ? "!\(j - i)" + ch : String(repeating: ch, count: j - i)
            i = j
        }
        return out
    }
}
