import ArtFactoryImaging
import Testing
@testable import ArtFactoryDaemon

/// Ultra's tiled refining pass: how tiles cover the 4× image and how their results are blended.
@Suite struct RefineTilesTests {
    @Test(arguments: [(256, 64, 8), (2048, 512, 64), (4096, 1024, 128), (3072, 768, 96), (2048, 768, 96), (512, 512, 64), (64, 64, 8)])
    func tilesCoverTheImageAlignedAndOverlapping(length: Int, tile: Int, overlap: Int) {
        let tiles = RefineTiles(width: length, height: length / 2 / 8 * 8 + 8, tileWidth: tile, tileHeight: tile, minimumOverlap: overlap)
        for (starts, size, full) in [(tiles.xs, tiles.tileWidth, tiles.width), (tiles.ys, tiles.tileHeight, tiles.height)] {
            #expect(starts.first == 0 && starts.last == full - size, "\(starts) size \(size) over \(full)")
            #expect(starts.allSatisfy { $0 % RefineTiles.alignment == 0 })
            for (a, b) in zip(starts, starts.dropFirst()) {
                #expect(b > a && a + size - b >= min(overlap, size / 2), "tiles at \(a) and \(b) overlap by \(a + size - b)")
            }
        }
        #expect(tiles.tiles.count == tiles.count)
        #expect(RefineTiles.defaultOverlap(tileWidth: tile, tileHeight: tile) == max(8, tile / 8 / 8 * 8))
    }

    @Test func theUltraDefaultsGiveFiveByFiveTiles() {
        for base in [64, 512, 1024] {
            let tiles = UltraRefine(strength: 0.3, tiledFor: base, height: base, steps: 50).tiles(baseWidth: base, height: base)
            #expect(tiles?.count == 25 && tiles?.width == 4 * base && tiles?.tileWidth == base)
        }
        // A one-pass refine has no tiles, and its cost is factor² base steps per step.
        let onePass = UltraRefine(strength: 0.3, maxSide: 1024, width: 512, height: 512, steps: 50)
        #expect(onePass.tiles(baseWidth: 512, height: 512) == nil && onePass.factor == 2)
        #expect(onePass.baseStepUnits(baseWidth: 512, height: 512) == 15 * 4)
        #expect(UltraRefine(strength: 0.3, tiledFor: 512, height: 512, steps: 50).baseStepUnits(baseWidth: 512, height: 512) == 15 * 25)
    }

    /// Tiles that come back unchanged give back the image exactly: the weights sum to one everywhere.
    @Test func unchangedTilesBlendBackToTheImage() throws {
        let (w, h) = (200, 136)
        let bytes: [UInt8] = (0..<(w * h * 3)).map { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: i * 7 + i / 601) }
        let image = try PixelBuffer(width: w, height: h, channels: 3, bytes: bytes)
        let tiles = RefineTiles(width: w, height: h, tileWidth: 64, tileHeight: 48, minimumOverlap: 16)
        #expect(tiles.count > 4)
        var blender = RefineTiles.Blender(tiles)
        for (i, tile) in tiles.tiles.enumerated() { try blender.add(try RefineTiles.crop(image, tile), tile: i) }
        #expect(try blender.result() == image)
        // A tile of the wrong size is refused.
        var other = RefineTiles.Blender(tiles)
        #expect(throws: ImagingError.self) { try other.add(try PixelBuffer(width: 8, height: 8, channels: 3), tile: 0) }
    }

    /// Tiles that disagree (each refined tile a different flat value) meet without a visible step: the
    /// largest change between neighbouring pixels stays a small fraction of the disagreement, where hard
    /// tile edges (no cross-fade) jump by all of it.
    @Test func disagreeingTilesAreCrossFadedWithoutASeam() throws {
        let (w, h) = (256, 256)
        let tiles = RefineTiles(width: w, height: h, tileWidth: 64, tileHeight: 64, minimumOverlap: 16)
        var blender = RefineTiles.Blender(tiles)
        let values = tiles.tiles.indices.map { UInt8(40 + ($0 * 53) % 180) }
        for (i, tile) in tiles.tiles.enumerated() {
            try blender.add(try PixelBuffer(width: tile.width, height: tile.height, channels: 3, filledWith: values[i]), tile: i)
        }
        let out = try blender.result()
        var worst = 0
        for y in 0..<h {
            for x in 1..<w {
                worst = max(worst, abs(Int(out.bytes[(y * w + x) * 3]) - Int(out.bytes[(y * w + x - 1) * 3])))
            }
        }
        for y in 1..<h {
            for x in 0..<w {
                worst = max(worst, abs(Int(out.bytes[(y * w + x) * 3]) - Int(out.bytes[((y - 1) * w + x) * 3])))
            }
        }
        let disagreement = Int(values.max()! - values.min()!)
        let overlap = tiles.xs[0] + tiles.tileWidth - tiles.xs[1]
        #expect(overlap >= 16)
        // A linear ramp across the overlap moves at most disagreement / overlap per pixel (plus rounding);
        // the corners, where four tiles meet, at most twice that.
        #expect(worst <= 2 * disagreement / overlap + 2, "largest neighbour step \(worst) for a disagreement of \(disagreement)")
        #expect(worst * 4 < disagreement, "hard edges would step by \(disagreement)")
    }
}
