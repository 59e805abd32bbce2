/// Ultra's refining pass: after the base image, upscale and run image-to-image at low strength with
/// the same prompt, so the enlarged image gains real detail instead of only smooth pixels.
///
/// The rule, fixed at submit time and recorded in the generation's parameters:
/// - **Tiled (the default).** The base image is enlarged to the full 4× (with the learned upscaler
///   when one is installed, else Lanczos), then refined in tiles of the base image's size that
///   overlap by an eighth of a tile and are cross-faded (``RefineTiles``): each tile runs
///   `Int(steps × strength)` image-to-image steps at the size the model draws best, so memory stays
///   bounded and the whole 4× image gets detail. A 64 px base refines 256 px in 25 tiles of 64 px; a
///   512 px base (SD 1.x) refines 2048 px in 25 tiles of 512 px.
/// - **One pass (`refineMaxSide` given, and specs recorded before tiling).** The pass runs over the
///   whole image at `factor` × the base size, where `factor` is 4 when 4 × the longer side fits in
///   `maxSide`, else 2 when 2 × fits, else 1; the rest of the 4× (`4 / factor`) is a smooth resample.
struct UltraRefine: Equatable {
    /// Default strength: low enough to keep the composition, high enough to add detail.
    static let defaultStrength = 0.3
    /// Longest side a one-pass refine may run at when `refineMaxSide` is given without a value
    /// (presets' listing of the one-pass mode).
    static let defaultMaxSide = 1024
    /// Final upscale of the Ultra preset.
    static let totalUpscale = 4

    var strength: Double
    /// Multiple of the base size the pass runs at: 4 (always, when tiled), 2 or 1.
    var factor: Int
    /// Denoising steps the pass runs (per tile, when tiled).
    var steps: Int
    /// Tiled: each tile's size (the base image's); nil = one pass over the whole image.
    var tileWidth: Int?
    var tileHeight: Int?

    init(strength: Double, factor: Int, steps: Int, tileWidth: Int? = nil, tileHeight: Int? = nil) {
        self.strength = strength
        self.factor = factor
        self.steps = min(Int(Double(steps) * strength), steps)
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
    }

    /// One pass: chooses the factor for a `width × height` base image.
    init(strength: Double, maxSide: Int, width: Int, height: Int, steps: Int) {
        let side = max(width, height)
        let factor = [4, 2].first { $0 * side <= maxSide } ?? 1
        self.init(strength: strength, factor: factor, steps: steps)
    }

    /// Tiled: the full 4× in tiles of the `width × height` base size.
    init(strength: Double, tiledFor width: Int, height: Int, steps: Int) {
        self.init(strength: strength, factor: Self.totalUpscale, steps: steps, tileWidth: width, tileHeight: height)
    }

    /// Resample factor applied after the pass to reach 4×.
    var remainder: Int { Self.totalUpscale / factor }

    /// The tiles over the enlarged `width × height` base image, when the pass is tiled.
    func tiles(baseWidth width: Int, height: Int) -> RefineTiles? {
        guard let tileWidth, let tileHeight else { return nil }
        return RefineTiles(width: width * factor, height: height * factor, tileWidth: tileWidth, tileHeight: tileHeight,
                           minimumOverlap: RefineTiles.defaultOverlap(tileWidth: tileWidth, tileHeight: tileHeight))
    }

    /// The pass's cost in steps at the base size (step time grows with pixel count): tiles × steps
    /// when tiled, steps × factor² for one pass.
    func baseStepUnits(baseWidth width: Int, height: Int) -> Int {
        if let tiles = tiles(baseWidth: width, height: height) {
            return tiles.count * steps * tiles.tileWidth * tiles.tileHeight / max(1, width * height)
        }
        return steps * factor * factor
    }

    /// Seconds for the pass, from the base size's seconds per step.
    func estimatedSeconds(perStepAtBase seconds: Double, baseWidth width: Int, height: Int) -> Double {
        seconds * Double(baseStepUnits(baseWidth: width, height: height))
    }
}
