import Foundation

/// A colour in CIE L*a*b* (D65), the space the palette is clustered in: distances there follow
/// perceived differences (ΔE*ab = Euclidean distance; about 2.3 is just noticeable).
struct LabColor: Sendable, Equatable {
    var l: Double
    var a: Double
    var b: Double

    /// From 8-bit sRGB.
    init(r: UInt8, g: UInt8, b: UInt8) {
        self.init(linearR: LabColor.linear(r), g: LabColor.linear(g), b: LabColor.linear(b))
    }

    /// The sRGB transfer function undone: 8-bit sRGB to linear light, 0-1.
    static func linear(_ c: UInt8) -> Double {
        let v = Double(c) / 255
        return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    /// ``linear(_:)`` for every byte value.
    static let linearTable: [Double] = (0...255).map { linear(UInt8($0)) }

    /// From linear-light sRGB, each 0-1 (means of pixels are taken in linear light).
    init(linearR rl: Double, g gl: Double, b bl: Double) {
        let x = (0.4124564 * rl + 0.3575761 * gl + 0.1804375 * bl) / 0.95047
        let y = 0.2126729 * rl + 0.7151522 * gl + 0.0721750 * bl
        let z = (0.0193339 * rl + 0.1191920 * gl + 0.9503041 * bl) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        let (fx, fy, fz) = (f(x), f(y), f(z))
        self.l = 116 * fy - 16
        self.a = 500 * (fx - fy)
        self.b = 200 * (fy - fz)
    }

    init(l: Double, a: Double, b: Double) {
        self.l = l
        self.a = a
        self.b = b
    }

    /// Back to 8-bit sRGB (clamped).
    var rgb: (UInt8, UInt8, UInt8) {
        let fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - b / 200
        func finv(_ t: Double) -> Double { t * t * t > 216.0 / 24389 ? t * t * t : (116 * t - 16) / (24389.0 / 27) }
        let x = finv(fx) * 0.95047, y = finv(fy), z = finv(fz) * 1.08883
        let rl = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
        let gl = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
        let bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
        func gamma(_ v: Double) -> UInt8 {
            let c = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(max(v, 0), 1 / 2.4) - 0.055
            return UInt8(max(0, min(255, (c * 255).rounded())))
        }
        return (gamma(rl), gamma(gl), gamma(bl))
    }

    /// `#rrggbb`.
    var hex: String {
        let (r, g, b) = rgb
        return String(format: "#%02x%02x%02x", r, g, b)
    }

    /// Chroma C*ab.
    var chroma: Double { (a * a + b * b).squareRoot() }

    /// ΔE*ab (CIE 1976).
    func distance(_ o: LabColor) -> Double {
        let dl = l - o.l, da = a - o.a, db = b - o.b
        return (dl * dl + da * da + db * db).squareRoot()
    }
}

/// Everyday colour names and where they sit, for naming palette entries (nearest in Lab).
enum ColorNames {
    static let hexes: [(String, UInt32)] = [
        ("black", 0x000000), ("charcoal", 0x36454f), ("gray", 0x808080), ("silver", 0xc0c0c0), ("white", 0xffffff),
        ("red", 0xe00000), ("crimson", 0xa01030), ("maroon", 0x800000), ("pink", 0xff9ec4), ("magenta", 0xff00ff),
        ("orange", 0xff8c00), ("coral", 0xff7f50), ("brown", 0x8b4513), ("tan", 0xd2b48c), ("beige", 0xf1e3c6),
        ("gold", 0xffc800), ("yellow", 0xffff00), ("olive", 0x808000), ("lime", 0x7fff00), ("green", 0x00a000),
        ("forest green", 0x1f5f2a), ("mint", 0x98e8c0), ("teal", 0x008080), ("cyan", 0x00ffff), ("sky blue", 0x87ceeb),
        ("blue", 0x0040ff), ("navy", 0x000080), ("indigo", 0x4b0082), ("purple", 0x800080), ("lavender", 0xb9a6e6),
    ]

    static let table: [(name: String, lab: LabColor)] = hexes.map { entry in
        let (name, hex) = entry
        let r = UInt8(truncatingIfNeeded: hex >> 16), g = UInt8(truncatingIfNeeded: hex >> 8), b = UInt8(truncatingIfNeeded: hex)
        return (name, LabColor(r: r, g: g, b: b))
    }

    /// The nearest name and its distance.
    static func nearest(_ c: LabColor) -> (name: String, distance: Double) {
        var best = ("", Double.infinity)
        for entry in table {
            let d = entry.lab.distance(c)
            if d < best.1 { best = (entry.name, d) }
        }
        return best
    }
}
