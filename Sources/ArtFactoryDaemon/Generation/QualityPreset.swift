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

    /// Steps for a few-step distilled model (SD-Turbo, SDXL-Turbo, Lightning): 1 / 2 / 4 / 4.
    var fewSteps: Int {
        switch self {
        case .draft: 1
        case .standard: 2
        case .high, .ultra: 4
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
