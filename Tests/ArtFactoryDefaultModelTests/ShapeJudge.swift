import Foundation

/// An independent judge of one-shape 64×64 images: dominant foreground colour by hue, shape by area
/// ratios of the foreground mask, position by its centroid. A Swift port of
/// `Scripts/defaultmodel/judge.py` (the training script's judge), with every constant read from
/// `Scripts/defaultmodel/heldout.json` so that both judges agree by construction.
struct ShapeJudge {
    struct Verdict: Equatable, CustomStringConvertible {
        var color: String?
        var shape: String?
        var position: String?
        var description: String { "\(color ?? "-") \(shape ?? "-") \(position ?? "-")" }
    }

    struct Constants {
        var roughForegroundDistance: Double
        var coreFraction: Double
        var minForegroundPixels: Int
        var achromaticSaturation: Double
        var achromaticValue: Double
        var blackBelowValue: Double
        var whiteAboveValue: Double
        var brownHueRange: (Double, Double)
        var brownBelowValue: Double
        var positionLow: Double
        var positionHigh: Double
        var holeBox: (Double, Double)
        var ringHoleAbove: Double
        var triangleOffsetAbove: Double
        var starFillBelow: Double
        var squareFillAbove: Double
        var circleFillAbove: Double
        var hues: [(String, Double)]
    }

    let k: Constants

    /// Reads the `judge` object of heldout.json.
    init(json judge: [String: Any]) throws {
        func number(_ key: String) throws -> Double {
            guard let v = judge[key] as? Double ?? (judge[key] as? Int).map(Double.init) else {
                throw JudgeError.missing(key)
            }
            return v
        }
        func pair(_ key: String) throws -> (Double, Double) {
            guard let v = judge[key] as? [Double], v.count == 2 else { throw JudgeError.missing(key) }
            return (v[0], v[1])
        }
        guard let hues = judge["reference_hues_degrees"] as? [String: Double] else {
            throw JudgeError.missing("reference_hues_degrees")
        }
        k = Constants(
            roughForegroundDistance: try number("rough_foreground_distance"),
            coreFraction: try number("core_fraction"),
            minForegroundPixels: Int(try number("min_foreground_pixels")),
            achromaticSaturation: try number("achromatic_saturation"),
            achromaticValue: try number("achromatic_value"),
            blackBelowValue: try number("black_below_value"),
            whiteAboveValue: try number("white_above_value"),
            brownHueRange: try pair("brown_hue_range_degrees"),
            brownBelowValue: try number("brown_below_value"),
            positionLow: try number("position_low"),
            positionHigh: try number("position_high"),
            holeBox: try pair("hole_box"),
            ringHoleAbove: try number("ring_hole_above"),
            triangleOffsetAbove: try number("triangle_offset_above"),
            starFillBelow: try number("star_fill_below"),
            squareFillAbove: try number("square_fill_above"),
            circleFillAbove: try number("circle_fill_above"),
            // Python's min() over a dict keeps the first of equal distances: keep the file's order stable.
            hues: hues.sorted { $0.value < $1.value }.map { ($0.key, $0.value) })
    }

    enum JudgeError: Error { case missing(String) }

    /// numpy's median: the mean of the two middle values for an even count.
    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    func classifyColor(_ rgb: [Double]) -> String {
        let r = rgb[0] / 255, g = rgb[1] / 255, b = rgb[2] / 255
        let maxc = max(r, g, b), minc = min(r, g, b)
        let v = maxc
        let s = maxc == 0 ? 0 : (maxc - minc) / maxc
        if s < k.achromaticSaturation || v < k.achromaticValue {
            return v < k.blackBelowValue ? "black" : (v < k.whiteAboveValue ? "gray" : "white")
        }
        // colorsys.rgb_to_hsv's hue.
        let range = maxc - minc
        let rc = (maxc - r) / range, gc = (maxc - g) / range, bc = (maxc - b) / range
        var h: Double
        if r == maxc { h = bc - gc } else if g == maxc { h = 2 + rc - bc } else { h = 4 + gc - rc }
        h = (h / 6).truncatingRemainder(dividingBy: 1)
        if h < 0 { h += 1 }
        let hue = h * 360
        var best = k.hues[0]
        var bestDistance = Double.infinity
        for entry in k.hues {
            let d = min(abs(hue - entry.1), 360 - abs(hue - entry.1))
            if d < bestDistance { best = entry; bestDistance = d }
        }
        if best.0 == "orange" || best.0 == "red", hue >= k.brownHueRange.0, hue <= k.brownHueRange.1,
           v < k.brownBelowValue {
            return "brown"
        }
        return best.0
    }

    func positionName(cx: Double, cy: Double) -> String {
        let col = cx < k.positionLow ? "left" : (cx > k.positionHigh ? "right" : "")
        let row = cy < k.positionLow ? "top" : (cy > k.positionHigh ? "bottom" : "")
        if !row.isEmpty, !col.isEmpty { return "\(row) \(col)" }
        return !row.isEmpty ? row : (!col.isEmpty ? col : "centre")
    }

    /// Python's round(): half to even.
    static func pyRound(_ x: Double) -> Int { Int(x.rounded(.toNearestOrEven)) }

    func judge(width: Int, height: Int, pixels: [UInt8]) -> Verdict {
        let n = width * height
        func px(_ i: Int, _ c: Int) -> Double { Double(pixels[i * 3 + c]) }
        var border: [Int] = []
        border += (0..<width).map { $0 }                              // first row
        border += (0..<width).map { (height - 1) * width + $0 }       // last row
        border += (0..<height).map { $0 * width }                     // first column
        border += (0..<height).map { $0 * width + width - 1 }         // last column
        let bg = (0..<3).map { c in Self.median(border.map { px($0, c) }) }
        func distance(_ i: Int, _ ref: [Double]) -> Double {
            let d0 = px(i, 0) - ref[0], d1 = px(i, 1) - ref[1], d2 = px(i, 2) - ref[2]
            return (d0 * d0 + d1 * d1 + d2 * d2).squareRoot()
        }
        let dist = (0..<n).map { distance($0, bg) }
        let rough = (0..<n).filter { dist[$0] > k.roughForegroundDistance }
        guard rough.count >= k.minForegroundPixels, let maxDist = dist.max() else { return Verdict() }
        let core = rough.filter { dist[$0] >= k.coreFraction * maxDist }
        let fg = (0..<3).map { c in Self.median(core.map { px($0, c) }) }
        let mask = (0..<n).map { distance($0, fg) < dist[$0] }
        let count = mask.lazy.filter { $0 }.count
        guard count >= k.minForegroundPixels else { return Verdict() }

        var sumX = 0.0, sumY = 0.0
        var x0 = width, x1 = 0, y0 = height, y1 = 0
        for i in 0..<n where mask[i] {
            let x = i % width, y = i / width
            sumX += Double(x); sumY += Double(y)
            x0 = min(x0, x); x1 = max(x1, x + 1); y0 = min(y0, y); y1 = max(y1, y + 1)
        }
        let meanX = sumX / Double(count), meanY = sumY / Double(count)
        let h = y1 - y0, w = x1 - x0
        let fill = Double(count) / Double(h * w)
        let offset = ((meanY + 0.5) - Double(y0 + y1) / 2) / Double(h)
        let (a, b) = k.holeBox
        let hy0 = Self.pyRound(Double(h) * a), hy1 = max(Self.pyRound(Double(h) * b), hy0 + 1)
        let hx0 = Self.pyRound(Double(w) * a), hx1 = max(Self.pyRound(Double(w) * b), hx0 + 1)
        var inside = 0, total = 0
        for y in (y0 + hy0)..<min(y0 + hy1, y1) {
            for x in (x0 + hx0)..<min(x0 + hx1, x1) {
                total += 1
                if mask[y * width + x] { inside += 1 }
            }
        }
        let hole = total == 0 ? 0 : 1 - Double(inside) / Double(total)
        let shape: String
        if hole > k.ringHoleAbove { shape = "ring" }
        else if offset > k.triangleOffsetAbove { shape = "triangle" }
        else if fill < k.starFillBelow { shape = "star" }
        else if fill > k.squareFillAbove { shape = "square" }
        else if fill > k.circleFillAbove { shape = "circle" }
        else { shape = "cross" }
        let size = Double(height)
        return Verdict(color: classifyColor(fg), shape: shape,
                       position: positionName(cx: (meanX + 0.5) / size, cy: (meanY + 0.5) / size))
    }
}
