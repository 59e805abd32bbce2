import ArtFactoryImaging
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation

/// Measures a reference image: a palette by k-means in Lab with named colours, brightness,
/// contrast and saturation, the subject's position, left-right symmetry and aspect, each with a
/// confidence, and turns them into weighted prompt terms. Pure and deterministic.
enum ReferenceAnalyzer {
    /// Most pixels clustered (an even sample of larger images).
    static let maxSamples = 16_384
    /// Side of the block grid composition is measured on.
    static let grid = 24

    static func analyze(_ pixels: PixelBuffer, colors: Int, input: String, source: String) -> ReferenceAnalyze.Reference {
        let samples = sample(pixels)
        let palette = kmeans(samples, k: colors)
        let ls = samples.map(\.l)
        let meanL = ls.reduce(0, +) / Double(max(1, ls.count))
        let sdL = (ls.map { ($0 - meanL) * ($0 - meanL) }.reduce(0, +) / Double(max(1, ls.count))).squareRoot()
        let meanC = samples.map(\.chroma).reduce(0, +) / Double(max(1, samples.count))
        let brightness = measure(meanL / 100, low: 0.35, high: 0.65, labels: ("dark", "medium", "bright"))
        let contrast = measure(min(1, sdL / 50), low: 0.15, high: 0.35, labels: ("low", "medium", "high"))
        let saturation = measure(min(1, meanC / 70), low: 0.2, high: 0.5, labels: ("muted", "moderate", "vibrant"))
        let composition = compose(pixels)
        var terms: [ReferenceAnalyze.Term] = []
        func add(_ term: String, _ attribute: String, _ confidence: Double, weight: Double? = nil) {
            let w = ((weight ?? (1 + 0.2 * confidence)) * 20).rounded() / 20
            terms.append(.init(term: term, weight: w, attribute: attribute, confidence: rounded(confidence),
                               rendered: WeightedTerm(term, weight: w).rendered))
        }
        for c in palette.prefix(3) where c.share >= 0.1 {
            add("\(c.name) tones", "palette", c.confidence * max(0, 1 - c.nameDistance / 30), weight: 1 + 0.4 * c.share)
        }
        switch brightness.label {
        case "dark": add("low key lighting", "brightness", brightness.confidence)
        case "bright": add("high key lighting", "brightness", brightness.confidence)
        default: break
        }
        switch contrast.label {
        case "high": add("high contrast", "contrast", contrast.confidence)
        case "low": add("soft low contrast", "contrast", contrast.confidence)
        default: break
        }
        switch saturation.label {
        case "vibrant": add("vibrant colors", "saturation", saturation.confidence)
        case "muted": add("muted colors", "saturation", saturation.confidence)
        default: break
        }
        if composition.positionConfidence >= 0.3 {
            add(composition.position == "center" ? "centered composition" : "subject in the \(composition.position)", "composition",
                composition.positionConfidence)
        }
        if composition.symmetry.label == "symmetric" { add("symmetrical composition", "symmetry", composition.symmetry.confidence) }
        terms.sort { $0.confidence > $1.confidence }
        return .init(input: input, width: pixels.width, height: pixels.height, palette: palette, brightness: brightness, contrast: contrast,
                     saturation: saturation, composition: composition, terms: terms, source: source)
    }

    // MARK: - Palette

    /// An even sample of the pixels, in Lab (alpha ignored).
    static func sample(_ p: PixelBuffer) -> [LabColor] {
        let stride = max(1, Int((Double(p.pixelCount) / Double(maxSamples)).squareRoot().rounded(.up)))
        var out: [LabColor] = []
        out.reserveCapacity(min(p.pixelCount, maxSamples + 2 * p.width))
        for y in Swift.stride(from: 0, to: p.height, by: stride) {
            for x in Swift.stride(from: 0, to: p.width, by: stride) {
                out.append(lab(p, x, y))
            }
        }
        return out
    }

    static func lab(_ p: PixelBuffer, _ x: Int, _ y: Int) -> LabColor {
        let i = (y * p.width + x) * p.channels
        if p.channels < 3 { return LabColor(r: p.bytes[i], g: p.bytes[i], b: p.bytes[i]) }
        return LabColor(r: p.bytes[i], g: p.bytes[i + 1], b: p.bytes[i + 2])
    }

    /// k-means in Lab (k-means++ start from a fixed seed, so results repeat), largest cluster first.
    /// Fewer than k colours come back when the image has fewer distinct colours.
    static func kmeans(_ points: [LabColor], k: Int) -> [ReferenceAnalyze.PaletteColor] {
        guard !points.isEmpty else { return [] }
        var rng = ThompsonSampler.Random(state: 0x5EED)
        var centers = [points[rng.index(below: points.count)]]
        var nearest = points.map { $0.distance(centers[0]) }
        while centers.count < k {
            let total = nearest.reduce(0) { $0 + $1 * $1 }
            guard total > 1e-9 else { break }
            var target = rng.uniform() * total
            var chosen = points.count - 1
            for (i, d) in nearest.enumerated() {
                target -= d * d
                if target <= 0 { chosen = i; break }
            }
            centers.append(points[chosen])
            for i in points.indices { nearest[i] = min(nearest[i], points[i].distance(points[chosen])) }
        }
        var assignment = [Int](repeating: 0, count: points.count)
        for iteration in 0..<40 {
            var changed = false
            for (i, p) in points.enumerated() {
                var best = 0, bestD = Double.infinity
                for (j, c) in centers.enumerated() {
                    let d = p.distance(c)
                    if d < bestD { bestD = d; best = j }
                }
                if assignment[i] != best { changed = true; assignment[i] = best }
            }
            var sums = [(Double, Double, Double, Int)](repeating: (0, 0, 0, 0), count: centers.count)
            for (i, p) in points.enumerated() {
                let j = assignment[i]
                sums[j] = (sums[j].0 + p.l, sums[j].1 + p.a, sums[j].2 + p.b, sums[j].3 + 1)
            }
            for j in centers.indices where sums[j].3 > 0 {
                let n = Double(sums[j].3)
                centers[j] = LabColor(l: sums[j].0 / n, a: sums[j].1 / n, b: sums[j].2 / n)
            }
            if !changed && iteration > 0 { break }
        }
        var spread = [Double](repeating: 0, count: centers.count)
        var counts = [Int](repeating: 0, count: centers.count)
        for (i, p) in points.enumerated() {
            spread[assignment[i]] += p.distance(centers[assignment[i]])
            counts[assignment[i]] += 1
        }
        return centers.indices.filter { counts[$0] > 0 }.map { j in
            let c = centers[j]
            let named = ColorNames.nearest(c)
            let meanSpread = spread[j] / Double(counts[j])
            return ReferenceAnalyze.PaletteColor(hex: c.hex, lab: [rounded(c.l), rounded(c.a), rounded(c.b)], name: named.name,
                                                 nameDistance: rounded(named.distance), share: rounded(Double(counts[j]) / Double(points.count)),
                                                 confidence: rounded(max(0, 1 - meanSpread / 20)))
        }.sorted { $0.share > $1.share }
    }

    // MARK: - Scalars

    /// A 0-1 value with a three-way label; confidence grows with the distance from the label's edges.
    static func measure(_ value: Double, low: Double, high: Double, labels: (String, String, String)) -> ReferenceAnalyze.Measure {
        let v = max(0, min(1, value))
        let label = v < low ? labels.0 : (v > high ? labels.2 : labels.1)
        let edge = v < low ? low - v : (v > high ? v - high : min(v - low, high - v))
        return .init(value: rounded(v), label: label, confidence: rounded(min(1, edge / 0.15)))
    }

    // MARK: - Composition

    static func compose(_ p: PixelBuffer) -> ReferenceAnalyze.Composition {
        let gw = min(grid, p.width), gh = min(grid, p.height)
        var cells = [LabColor](repeating: LabColor(l: 0, a: 0, b: 0), count: gw * gh)
        for gy in 0..<gh {
            for gx in 0..<gw {
                let x0 = gx * p.width / gw, x1 = max(x0 + 1, (gx + 1) * p.width / gw)
                let y0 = gy * p.height / gh, y1 = max(y0 + 1, (gy + 1) * p.height / gh)
                var s = (0.0, 0.0, 0.0), n = 0.0
                let step = max(1, (x1 - x0) / 8)
                for y in Swift.stride(from: y0, to: y1, by: step) {
                    for x in Swift.stride(from: x0, to: x1, by: step) {
                        let c = lab(p, x, y)
                        s = (s.0 + c.l, s.1 + c.a, s.2 + c.b); n += 1
                    }
                }
                cells[gy * gw + gx] = LabColor(l: s.0 / n, a: s.1 / n, b: s.2 / n)
            }
        }
        // Background: the mean of the border cells; the subject is what differs from it.
        var border = (0.0, 0.0, 0.0), nb = 0.0
        for gy in 0..<gh {
            for gx in 0..<gw where gx == 0 || gy == 0 || gx == gw - 1 || gy == gh - 1 {
                let c = cells[gy * gw + gx]
                border = (border.0 + c.l, border.1 + c.a, border.2 + c.b); nb += 1
            }
        }
        let background = LabColor(l: border.0 / nb, a: border.1 / nb, b: border.2 / nb)
        var wsum = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0
        for gy in 0..<gh {
            for gx in 0..<gw {
                let d = cells[gy * gw + gx].distance(background)
                let w = d * d
                let x = (Double(gx) + 0.5) / Double(gw), y = (Double(gy) + 0.5) / Double(gh)
                wsum += w; sx += w * x; sy += w * y; sxx += w * x * x; syy += w * y * y
            }
        }
        var cx = 0.5, cy = 0.5, concentration = 0.0
        if wsum > 1e-6 {
            cx = sx / wsum; cy = sy / wsum
            let spread = (max(0, sxx / wsum - cx * cx) + max(0, syy / wsum - cy * cy)).squareRoot()
            concentration = max(0, min(1, 1 - spread / 0.408))
        }
        let col = cx < 1.0 / 3 ? "left" : (cx > 2.0 / 3 ? "right" : "")
        let row = cy < 1.0 / 3 ? "upper" : (cy > 2.0 / 3 ? "lower" : "")
        let position = [row, col].filter { !$0.isEmpty }.joined(separator: " ")
        // Symmetry: mean ΔE between mirrored cells.
        var mirror = 0.0
        for gy in 0..<gh {
            for gx in 0..<(gw / 2) { mirror += cells[gy * gw + gx].distance(cells[gy * gw + (gw - 1 - gx)]) }
        }
        let pairs = Double(max(1, gh * (gw / 2)))
        let symmetry = measure(max(0, 1 - mirror / pairs / 30), low: 0.75, high: 0.9, labels: ("asymmetric", "roughly symmetric", "symmetric"))
        let ratio = Double(p.width) / Double(p.height)
        return .init(subjectX: rounded(cx), subjectY: rounded(cy), position: position.isEmpty ? "center" : position,
                     positionConfidence: rounded(concentration), symmetry: symmetry, aspectRatio: rounded(ratio), aspect: aspectName(ratio))
    }

    static func aspectName(_ r: Double) -> String {
        if abs(r - 1) < 0.05 { return "square" }
        let named: [(Double, String)] = [(21.0 / 9, "21:9"), (2, "2:1"), (16.0 / 9, "16:9"), (3.0 / 2, "3:2"), (4.0 / 3, "4:3"), (5.0 / 4, "5:4")]
        let wide = r > 1 ? r : 1 / r
        let orientation = r > 1 ? "landscape" : "portrait"
        if let match = named.min(by: { abs($0.0 - wide) < abs($1.0 - wide) }), abs(match.0 - wide) / wide < 0.03 {
            let parts = match.1.split(separator: ":")
            return "\(orientation) " + (r > 1 ? match.1 : "\(parts[1]):\(parts[0])")
        }
        return orientation
    }

    static func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}
