/// The quality presets: steps, and the upscale factor applied to each finished image.
enum QualityPreset: String, CaseIterable, Sendable {
    case draft, standard, high, ultra

    /// Denoising steps: 15 / 28 / 40 / 50.
    var steps: Int {
        switch self {
        case .draft: 15
        case .standard: 28
        case .high: 40
        case .ultra: 50
        }
    }

    /// High doubles each side, Ultra quadruples it.
    var upscale: Int {
        switch self {
        case .draft, .standard: 1
        case .high: 2
        case .ultra: 4
        }
    }
}
