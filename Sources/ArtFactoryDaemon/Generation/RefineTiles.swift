import ArtFactoryImaging

/// How Ultra's refining pass covers the full 4× image: tiles of the base image's size (the size the
/// model was asked to draw at, so the UNet runs where it works well and in bounded memory whatever
/// the final size), overlapping by at least `minimumOverlap` pixels and cross-faded there.
///
/// Every tile is refined from the same enlarged image (not from its neighbours' results), so the
/// result does not depend on the order the tiles run in; the overlaps are blended with linear ramps
/// that sum to one (``Blender``), so a seam never shows as a step.
struct RefineTiles: Equatable, Sendable {
    struct Tile: Equatable, Sendable {
        var x: Int, y: Int, width: Int, height: Int
    }

    /// Pixels, multiples of ``alignment``.
    let width: Int, height: Int
    let tileWidth: Int, tileHeight: Int
    /// Tile origins along each axis, first 0, last `size - tile`.
    let xs: [Int], ys: [Int]

    /// Tile origins are multiples of this (the latent grid of every supported VAE: 8× and 4×).
    static let alignment = 8

    /// - Precondition: every size a positive multiple of ``alignment``.
    init(width: Int, height: Int, tileWidth: Int, tileHeight: Int, minimumOverlap: Int) {
        self.width = width
        self.height = height
        self.tileWidth = min(tileWidth, width)
        self.tileHeight = min(tileHeight, height)
        xs = Self.starts(length: width, tile: self.tileWidth, overlap: minimumOverlap)
        ys = Self.starts(length: height, tile: self.tileHeight, overlap: minimumOverlap)
    }

    /// The default overlap: an eighth of the tile's shorter side (64 px for 512 px tiles), at least 8.
    static func defaultOverlap(tileWidth: Int, tileHeight: Int) -> Int {
        max(alignment, min(tileWidth, tileHeight) / 8 / alignment * alignment)
    }

    /// Row by row, left to right.
    var tiles: [Tile] {
        ys.flatMap { y in xs.map { x in Tile(x: x, y: y, width: tileWidth, height: tileHeight) } }
    }

    var count: Int { xs.count * ys.count }

    /// Evenly spread origins: the fewest tiles that overlap by at least `overlap`, aligned.
    static func starts(length: Int, tile: Int, overlap: Int) -> [Int] {
        guard tile < length else { return [0] }
        let step = max(alignment, tile - max(0, min(overlap, tile / 2)))
        // Rounding origins to the alignment can shorten a gap by up to `alignment`: count with that slack.
        let count = 1 + Int((Double(length - tile) / Double(max(alignment, step - alignment))).rounded(.up))
        return (0..<count).map { i in
            let exact = Double(i * (length - tile)) / Double(count - 1)
            return min(length - tile, Int((exact / Double(alignment)).rounded()) * alignment)
        }
    }

    /// The weight of pixel `u` (0-based within the tile) of tile `index` along one axis: 1 inside,
    /// ramping linearly to 0 across the overlap with each neighbour (image borders stay at 1).
    static func weight(_ u: Int, index: Int, starts: [Int], tile: Int) -> Float {
        var w: Float = 1
        if index > 0 {
            let overlap = starts[index - 1] + tile - starts[index]
            if overlap > 0 { w = min(w, (Float(u) + 0.5) / Float(overlap)) }
        }
        if index + 1 < starts.count {
            let overlap = starts[index] + tile - starts[index + 1]
            if overlap > 0 { w = min(w, (Float(tile - u) - 0.5) / Float(overlap)) }
        }
        return w
    }

    /// The enlarged image's pixels under `tile`, as the tile's image-to-image source.
    static func crop(_ image: PixelBuffer, _ tile: Tile) throws -> PixelBuffer {
        let c = image.channels
        var bytes = [UInt8](repeating: 0, count: tile.width * tile.height * c)
        image.bytes.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBufferPointer { dst in
                for row in 0..<tile.height {
                    let from = ((tile.y + row) * image.width + tile.x) * c
                    let to = row * tile.width * c
                    for i in 0..<(tile.width * c) { dst[to + i] = src[from + i] }
                }
            }
        }
        return try PixelBuffer(width: tile.width, height: tile.height, channels: c, bytes: bytes)
    }

    /// Accumulates refined tiles and their weights; ``result()`` divides by the weight at each pixel.
    struct Blender {
        let tiles: RefineTiles
        let channels: Int
        private var sum: [Float]
        private var weights: [Float]
        private var added = 0

        init(_ tiles: RefineTiles, channels: Int = 3) {
            self.tiles = tiles
            self.channels = channels
            sum = [Float](repeating: 0, count: tiles.width * tiles.height * channels)
            weights = [Float](repeating: 0, count: tiles.width * tiles.height)
        }

        /// Adds tile `index` (row-major, as ``RefineTiles/tiles``) refined to `pixels`.
        mutating func add(_ pixels: PixelBuffer, tile index: Int) throws {
            let (j, i) = (index / tiles.xs.count, index % tiles.xs.count)
            let (x0, y0, tw, th) = (tiles.xs[i], tiles.ys[j], tiles.tileWidth, tiles.tileHeight)
            guard pixels.width == tw, pixels.height == th, pixels.channels == channels else {
                throw ImagingError(.invalidArgument, "refined tile \(index) is \(pixels.width)x\(pixels.height)x\(pixels.channels), expected \(tw)x\(th)x\(channels)")
            }
            let wx = (0..<tw).map { RefineTiles.weight($0, index: i, starts: tiles.xs, tile: tw) }
            let c = channels, fullWidth = tiles.width
            for v in 0..<th {
                let wy = RefineTiles.weight(v, index: j, starts: tiles.ys, tile: th)
                let rowStart = (y0 + v) * fullWidth + x0
                for u in 0..<tw {
                    let w = wy * wx[u]
                    weights[rowStart + u] += w
                    let src = (v * tw + u) * c, dst = (rowStart + u) * c
                    for ch in 0..<c { sum[dst + ch] += w * Float(pixels.bytes[src + ch]) }
                }
            }
            added += 1
        }

        /// The blended image. - Precondition: every tile was added.
        func result() throws -> PixelBuffer {
            precondition(added == tiles.count, "\(added) of \(tiles.count) refined tiles blended")
            var bytes = [UInt8](repeating: 0, count: sum.count)
            for p in 0..<weights.count {
                let w = weights[p]
                for ch in 0..<channels {
                    let i = p * channels + ch
                    bytes[i] = UInt8(max(0, min(255, (sum[i] / w).rounded())))
                }
            }
            return try PixelBuffer(width: tiles.width, height: tiles.height, channels: channels, bytes: bytes)
        }
    }
}
