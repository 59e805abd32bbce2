/// Ultra's refining pass: after the base image, upscale and run image-to-image at low strength with
/// the same prompt and seed, so the enlarged image gains real detail instead of only smooth pixels.
///
/// The rule, fixed at submit time and recorded in the generation's parameters:
/// - the pass runs at `factor` × the base size, where `factor` is 4 when 4 × the longer side fits in
///   `maxSide` (default 1024 px), else 2 when 2 × fits, else 1 (the base size itself);
/// - the base image is smooth-upscaled (Lanczos) to that size, refined with `Int(steps × strength)`
///   denoising steps (the engine's image-to-image schedule), then smooth-upscaled by the rest
///   (`4 / factor`) to the final 4×.
/// So a 64 px base refines at 256 px; a 512 px base (SD 1.x) refines at 1024 px and is resampled to
/// 2048 px, which keeps the UNet within sizes it runs at in reasonable time on a CPU.
struct UltraRefine: Equatable {
    /// Default strength: low enough to keep the composition, high enough to add detail.
    static let defaultStrength = 0.3
    /// Default longest side the pass may run at.
    static let defaultMaxSide = 1024
    /// Final upscale of the Ultra preset.
    static let totalUpscale = 4

    var strength: Double
    /// Multiple of the base size the pass runs at: 4, 2 or 1.
    var factor: Int
    /// Denoising steps the pass runs.
    var steps: Int

    init(strength: Double, factor: Int, steps: Int) {
        self.strength = strength
        self.factor = factor
        self.steps = min(Int(Double(steps) * strength), steps)
    }

    /// Chooses the factor for a `width × height` base image.
    init(strength: Double, maxSide: Int, width: Int, height: Int, steps: Int) {
        let side = max(width, height)
        let factor = [4, 2].first { $0 * side <= maxSide } ?? 1
        self.init(strength: strength, factor: factor, steps: steps)
    }

    /// Resample factor applied after the pass to reach 4×.
    var remainder: Int { Self.totalUpscale / factor }

    /// Seconds for the pass, from the base size's seconds per step (step time grows with pixel count).
    func estimatedSeconds(perStepAtBase seconds: Double) -> Double {
        seconds * Double(steps * factor * factor)
    }
}
