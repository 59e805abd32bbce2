/// How a large image is cut into tiles so the network's activations stay small: tiles of `tileSize`
/// input pixels that overlap by at least `overlap` and are cross-faded there (linear ramps that sum to
/// one), each run with `context` extra pixels on every side that are computed and thrown away, so the
/// network sees real neighbours instead of zero padding at a tile's edge.
///
/// Memory is bounded by the tile (activations of one `(tileSize + 2·context)²` tile) plus one band
/// of finished output rows, whatever the image size.
public struct UpscaleTiling: Sendable, Equatable {
    /// Tile edge in input pixels (clamped to the image).
    public var tileSize: Int
    /// Minimum overlap and cross-fade width between neighbouring tiles, in input pixels (at most `tileSize / 2`).
    public var overlap: Int
    /// Extra input pixels computed around each tile and discarded.
    public var context: Int

    /// - Precondition: `tileSize > 0`, `overlap >= 0`, `context >= 0`.
    public init(tileSize: Int, overlap: Int, context: Int) {
        self.tileSize = max(1, tileSize)
        self.overlap = max(0, min(overlap, tileSize / 2))
        self.context = max(0, context)
    }

    /// 160-pixel tiles, 16 px cross-fades and 12 px context: at most ~0.6 GB for RRDBNet x4 (64
    /// features) at any image size, and ~30 % extra work over one pass.
    public static let standard = UpscaleTiling(tileSize: 160, overlap: 16, context: 12)

    /// One tile covering any image up to 32768² (tests; small images).
    public static let untiled = UpscaleTiling(tileSize: 1 << 15, overlap: 0, context: 0)

    /// Tile starts along an axis of `length` pixels; every start and size is a multiple of `multiple`
    /// (the pixel-unshuffle factor), which must also divide `length`.
    func starts(length: Int, multiple: Int) -> (starts: [Int], size: Int) {
        let largest = min(length, max(multiple, tileSize / multiple * multiple))
        guard largest < length else { return ([0], length) }
        // Rounding starts to multiples may shorten a step by up to `multiple`; keep the overlap anyway.
        let slack = overlap + (multiple > 1 ? multiple : 0)
        let step = max(multiple, largest - slack)
        let count = 1 + Int((Double(length - largest) / Double(step)).rounded(.up))
        // Balanced tiles: the smallest size at which `count` tiles still overlap by `slack`, so a 512 px
        // axis in tiles of at most 384 runs as two of 264 rather than two of 384 (1.03x the work, not 1.5x).
        let balanced = (length + (count - 1) * slack + count - 1) / count
        let size = min(largest, max(multiple, (balanced + multiple - 1) / multiple * multiple))
        let starts = (0..<count).map { i -> Int in
            let exact = Double(i * (length - size)) / Double(count - 1)
            return min(length - size, Int((exact / Double(multiple)).rounded()) * multiple)
        }
        return (starts, size)
    }

    /// Cross-fade weights along one axis upscaled by `scale`: for tile `i`, one weight per output
    /// pixel counted from the tile's first output pixel. Each tile's raw weight ramps linearly from 0 to
    /// 1 over `overlap` input pixels at every edge it shares with a neighbour (image borders stay at 1);
    /// the weights are then divided by their sum at each pixel, so the tiles covering a pixel always
    /// add up to exactly one, however many overlap there.
    func axisWeights(starts: [Int], size: Int, scale: Int) -> [[Float]] {
        let n = starts.count, feather = Double(max(overlap, 0))
        let raw: [[Double]] = (0..<n).map { i in
            (0..<(size * scale)).map { u in
                let p = (Double(u) + 0.5) / Double(scale)
                var w = 1.0
                if feather > 0 {
                    if i > 0 { w = min(w, p / feather) }
                    if i + 1 < n { w = min(w, (Double(size) - p) / feather) }
                }
                return w
            }
        }
        let length = ((starts.last ?? 0) + size) * scale
        var total = [Double](repeating: 0, count: length)
        for i in 0..<n { for u in 0..<(size * scale) { total[starts[i] * scale + u] += raw[i][u] } }
        return (0..<n).map { i in (0..<(size * scale)).map { u in Float(raw[i][u] / total[starts[i] * scale + u]) } }
    }
}

/// What the upscaler's progress callback sees after each tile.
public struct UpscaleProgress: Sendable, Equatable {
    /// Tiles finished (1-based).
    public let tile: Int
    /// Tiles in the whole image.
    public let tiles: Int
}

/// Called on the upscaling thread after every tile; return `false` (or throw `CancellationError`)
/// to stop, and the upscale then throws `CancellationError`.
public typealias UpscaleProgressHandler = (UpscaleProgress) throws -> Bool
