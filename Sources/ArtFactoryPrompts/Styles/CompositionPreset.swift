/// Built-in composition presets and the terms each adds to a prompt.
public enum CompositionPreset: String, Sendable, Codable, CaseIterable {
    case ruleOfThirds = "rule-of-thirds"
    case centered
    case symmetrical
    case wideShot = "wide-shot"
    case closeUp = "close-up"
    case birdsEye = "birds-eye"
    case lowAngle = "low-angle"
    case flatLay = "flat-lay"
    case leadingLines = "leading-lines"
    case negativeSpace = "negative-space"
    case portraitFraming = "portrait"
    case fullBody = "full-body"
    case threeQuarter = "three-quarter"
    case lifestyle
    case backView = "back-view"
    case sideProfile = "side-profile"
    case action

    /// Name for lists.
    public var displayName: String {
        switch self {
        case .ruleOfThirds: return "Rule of thirds"
        case .centered: return "Centered"
        case .symmetrical: return "Symmetrical"
        case .wideShot: return "Wide shot"
        case .closeUp: return "Close-up"
        case .birdsEye: return "Bird's-eye view"
        case .lowAngle: return "Low angle"
        case .flatLay: return "Flat lay"
        case .leadingLines: return "Leading lines"
        case .negativeSpace: return "Negative space"
        case .portraitFraming: return "Portrait framing"
        case .fullBody: return "Full body"
        case .threeQuarter: return "3/4 length"
        case .lifestyle: return "Lifestyle / in context"
        case .backView: return "Back view"
        case .sideProfile: return "Side profile"
        case .action: return "Movement / action"
        }
    }

    /// The terms added to the prompt, in order.
    public var terms: [String] {
        switch self {
        case .ruleOfThirds: return ["rule of thirds composition"]
        case .centered: return ["centered composition", "subject in the center"]
        case .symmetrical: return ["symmetrical composition"]
        case .wideShot: return ["wide shot", "establishing shot"]
        case .closeUp: return ["close-up", "detailed subject"]
        case .birdsEye: return ["bird's-eye view", "aerial perspective"]
        case .lowAngle: return ["low angle shot", "looking up"]
        case .flatLay: return ["flat lay", "top-down view"]
        case .leadingLines: return ["leading lines composition"]
        case .negativeSpace: return ["negative space", "uncluttered background"]
        case .portraitFraming: return ["head and shoulders portrait framing"]
        case .fullBody: return ["full body shot", "head to toe"]
        case .threeQuarter: return ["three-quarter length shot", "editorial framing"]
        case .lifestyle: return ["lifestyle shot", "in a natural everyday setting"]
        case .backView: return ["view from behind"]
        case .sideProfile: return ["side profile view"]
        case .action: return ["dynamic action shot", "motion"]
        }
    }

    /// Words that show a prompt already says something about composition.
    static let cues = ["composition", "shot", "view", "angle", "close-up", "closeup", "framing", "framed",
                       "perspective", "rule of thirds", "centered", "flat lay", "top-down", "panorama",
                       "negative space", "symmetrical", "portrait"]
}
