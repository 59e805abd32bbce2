import ArtFactoryImaging
import Foundation

/// A compact, deterministic description of how an image *looks*, measured from its pixels, for
/// "more like this" (`gallery.similar`). It is not a learned embedding: it knows colours, their
/// arrangement and edge directions, nothing of what the image shows (a red car and a red apple
/// in the same place are alike; the same cat on two backgrounds is not).
///
/// Version ``version`` (`visual-v1`), 353 Float32 values in three blocks, from a 128 × 128 grid of
/// cell means taken in linear light (every pixel counts once in images of at least 128 px a side;
/// the image is stretched to a square, so aspect is not compared; alpha is composited on white):
/// - **layout** (192): an 8 × 8 grid of mean colours in CIE Lab, L then a then b per cell.
/// - **color** (125): a Lab histogram of the grid cells with soft (trilinear) bins: 5 on L\*
///   (centres 0, 25, …, 100) × 5 on a\* × 5 on b\* (centres −80, −40, …, 80); sums to 1.
/// - **edges** (36): per image quarter, 8 gradient orientations (Sobel on L\*, unsigned, soft
///   bins) weighted by edge strength (0 below 2 L\*/cell, 1 from 8) plus a "flat" bin with the rest;
///   sums to 1.
///
/// ``similarity(to:)`` compares block by block, each 0–1, and weighs them 0.5 / 0.3 / 0.2.
struct VisualDescriptor: Sendable, Equatable {
    /// Stored with every descriptor; a different version is measured again.
    static let version = "visual-v1"
    /// Side of the cell grid everything is measured on.
    static let grid = 128
    /// Side of the layout block's grid.
    static let layoutSide = 8
    static let lCentres: [Double] = [0, 25, 50, 75, 100]
    static let abCentres: [Double] = [-80, -40, 0, 40, 80]
    static let orientations = 8
    static let layoutCount = layoutSide * layoutSide * 3
    static let colorCount = lCentres.count * abCentres.count * abCentres.count
    static let edgeCount = 4 * (orientations + 1)
    static let count = layoutCount + colorCount + edgeCount
    /// Block weights in ``similarity(to:)``.
    static let weights = (layout: 0.5, color: 0.3, edges: 0.2)
    /// Mean ΔE\*ab between layout cells at which the layout score is 1/e.
    static let layoutScale = 20.0
    /// Edge strength (ΔL\* per grid cell) below which a cell is flat, and from which it is a full edge.
    static let edgeFloor = 2.0, edgeFull = 8.0

    /// The values, ``count`` of them: layout, then color, then edges.
    let values: [Float]

    init(values: [Float]) {
        precondition(values.count == Self.count, "a \(Self.version) descriptor has \(Self.count) values")
        self.values = values
    }

    /// Measures `pixels` (RGB or RGBA). Pure and deterministic.
    init(pixels: PixelBuffer) {
        let n = Self.grid
        let linear = Self.cellMeans(pixels)
        var labs = [LabColor](repeating: LabColor(l: 0, a: 0, b: 0), count: n * n)
        for i in 0..<(n * n) { labs[i] = LabColor(linearR: linear[3 * i], g: linear[3 * i + 1], b: linear[3 * i + 2]) }
        var out: [Float] = []
        out.reserveCapacity(Self.count)
        out += Self.layout(linear)
        out += Self.colorHistogram(labs)
        out += Self.edgeHistogram(labs.map(\.l))
        self.init(values: out)
    }

    // MARK: - Measuring

    /// Mean linear-light RGB of each of the grid's cells (row-major, 3 values per cell).
    static func cellMeans(_ p: PixelBuffer) -> [Double] {
        let n = grid, w = p.width, h = p.height, ch = p.channels
        let table = LabColor.linearTable
        var out = [Double](repeating: 0, count: n * n * 3)
        p.bytes.withUnsafeBufferPointer { px in
            table.withUnsafeBufferPointer { lin in
                for gy in 0..<n {
                    let y0 = gy * h / n, y1 = max(y0 + 1, (gy + 1) * h / n)
                    for gx in 0..<n {
                        let x0 = gx * w / n, x1 = max(x0 + 1, (gx + 1) * w / n)
                        var r = 0.0, g = 0.0, b = 0.0
                        for y in y0..<y1 {
                            var i = (y * w + x0) * ch
                            for _ in x0..<x1 {
                                let alpha = ch == 4 ? Double(px[i + 3]) / 255 : 1, white = 1 - alpha
                                r += lin[Int(px[i])] * alpha + white
                                g += lin[Int(px[i + 1])] * alpha + white
                                b += lin[Int(px[i + 2])] * alpha + white
                                i += ch
                            }
                        }
                        let count = Double((y1 - y0) * (x1 - x0)), k = 3 * (gy * n + gx)
                        out[k] = r / count; out[k + 1] = g / count; out[k + 2] = b / count
                    }
                }
            }
        }
        return out
    }

    /// Mean Lab colour of each layout cell (means of the grid's linear-light means).
    static func layout(_ linear: [Double]) -> [Float] {
        let n = grid, side = layoutSide, per = grid / layoutSide
        var out: [Float] = []
        out.reserveCapacity(layoutCount)
        for ly in 0..<side {
            for lx in 0..<side {
                var r = 0.0, g = 0.0, b = 0.0
                for y in (ly * per)..<((ly + 1) * per) {
                    for x in (lx * per)..<((lx + 1) * per) {
                        let k = 3 * (y * n + x)
                        r += linear[k]; g += linear[k + 1]; b += linear[k + 2]
                    }
                }
                let cells = Double(per * per)
                let c = LabColor(linearR: r / cells, g: g / cells, b: b / cells)
                out += [Float(c.l), Float(c.a), Float(c.b)]
            }
        }
        return out
    }

    /// Where `v` falls between two neighbouring bin centres: the lower bin and the upper bin's share.
    static func softBin(_ v: Double, _ centres: [Double]) -> (Int, Double) {
        let step = centres[1] - centres[0]
        let t = min(max((v - centres[0]) / step, 0), Double(centres.count - 1))
        let low = min(Int(t), centres.count - 2)
        return (low, t - Double(low))
    }

    /// Soft Lab histogram of the cells, normalised to sum 1.
    static func colorHistogram(_ labs: [LabColor]) -> [Float] {
        let na = abCentres.count
        var bins = [Double](repeating: 0, count: colorCount)
        let unit = 1 / Double(labs.count)
        for c in labs {
            let (l0, lf) = softBin(c.l, lCentres), (a0, af) = softBin(c.a, abCentres), (b0, bf) = softBin(c.b, abCentres)
            for (dl, wl) in [(0, 1 - lf), (1, lf)] where wl > 0 {
                for (da, wa) in [(0, 1 - af), (1, af)] where wa > 0 {
                    for (db, wb) in [(0, 1 - bf), (1, bf)] where wb > 0 {
                        bins[((l0 + dl) * na + a0 + da) * na + b0 + db] += wl * wa * wb * unit
                    }
                }
            }
        }
        return bins.map { Float($0) }
    }

    /// Edge orientations per image quarter (Sobel on the L\* grid, borders clamped), normalised to sum 1.
    static func edgeHistogram(_ lightness: [Double]) -> [Float] {
        let n = grid, per = orientations + 1
        var bins = [Double](repeating: 0, count: edgeCount)
        func at(_ x: Int, _ y: Int) -> Double { lightness[min(n - 1, max(0, y)) * n + min(n - 1, max(0, x))] }
        let unit = 1 / Double(n * n)
        for y in 0..<n {
            for x in 0..<n {
                let gx = (at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1)) - (at(x - 1, y - 1) + 2 * at(x - 1, y) + at(x - 1, y + 1))
                let gy = (at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1)) - (at(x - 1, y - 1) + 2 * at(x, y - 1) + at(x + 1, y - 1))
                // A step of ΔL between neighbours gives |g| = 4 ΔL (Sobel weights 1, 2, 1 over two cells).
                let strength = (gx * gx + gy * gy).squareRoot() / 4
                let edge = min(1, max(0, (strength - edgeFloor) / (edgeFull - edgeFloor)))
                let base = ((y >= n / 2 ? 2 : 0) + (x >= n / 2 ? 1 : 0)) * per
                bins[base + orientations] += (1 - edge) * unit
                guard edge > 0 else { continue }
                var angle = atan2(gy, gx)
                if angle < 0 { angle += .pi }
                let t = min(angle, .pi.nextDown) / (.pi / Double(orientations))
                let low = Int(t) % orientations, share = t - Double(Int(t))
                bins[base + low] += edge * (1 - share) * unit
                bins[base + (low + 1) % orientations] += edge * share * unit
            }
        }
        return bins.map { Float($0) }
    }

    // MARK: - Comparing

    /// How alike two descriptors are, each part 0–1 (1: the same values).
    struct Similarity: Sendable, Equatable {
        var total: Double
        var layout: Double
        var color: Double
        var edges: Double
    }

    /// Layout: exp(−mean ΔE\*ab between cells / ``layoutScale``); color and edges: histogram
    /// intersection (Σ min / the larger total); the total weighs them by ``weights``. Symmetric.
    func similarity(to other: VisualDescriptor) -> Similarity {
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in Self.similarity(a, b) }
        }
    }

    /// ``similarity(to:)`` over raw value buffers of ``count`` values each.
    static func similarity(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Similarity {
        var distance = 0.0
        for cell in 0..<(layoutSide * layoutSide) {
            let k = 3 * cell
            let dl = Double(a[k] - b[k]), da = Double(a[k + 1] - b[k + 1]), db = Double(a[k + 2] - b[k + 2])
            distance += (dl * dl + da * da + db * db).squareRoot()
        }
        let layout = exp(-distance / Double(layoutSide * layoutSide) / layoutScale)
        func intersection(_ range: Range<Int>) -> Double {
            var common = 0.0, sa = 0.0, sb = 0.0
            for i in range {
                common += Double(min(a[i], b[i])); sa += Double(a[i]); sb += Double(b[i])
            }
            let larger = max(sa, sb)
            return larger > 0 ? min(1, common / larger) : 1
        }
        let color = intersection(layoutCount..<(layoutCount + colorCount))
        let edges = intersection((layoutCount + colorCount)..<count)
        let total = weights.layout * layout + weights.color * color + weights.edges * edges
        return Similarity(total: min(1, max(0, total)), layout: layout, color: color, edges: edges)
    }

    // MARK: - Bytes

    /// The stored form: ``count`` Float32 values, little-endian.
    var data: Data {
        var bytes = Data(capacity: values.count * 4)
        for v in values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Reads the stored form; `nil` when `data` is not ``count`` Float32 values.
    init?(data: Data) {
        guard data.count == Self.count * 4 else { return nil }
        let values = data.withUnsafeBytes { raw in
            (0..<Self.count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        self.init(values: values)
    }
}
