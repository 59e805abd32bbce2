/// Built-in lighting presets and the terms each adds to a prompt.
public enum LightingPreset: String, Sendable, Codable, CaseIterable {
    case goldenHour = "golden-hour"
    case blueHour = "blue-hour"
    case studio
    case soft
    case dramatic
    case neon
    case backlit
    case overcast
    case candlelight
    case highKey = "high-key"
    case lowKey = "low-key"
    case windowLight = "window-light"
    case glamour

    /// Name for lists.
    public var displayName: String {
        switch self {
        case .goldenHour: return "Golden hour"
        case .blueHour: return "Blue hour"
        case .studio: return "Studio"
        case .soft: return "Soft"
        case .dramatic: return "Dramatic"
        case .neon: return "Neon"
        case .backlit: return "Backlit"
        case .overcast: return "Overcast"
        case .candlelight: return "Candlelight"
        case .highKey: return "High key"
        case .lowKey: return "Low key"
        case .windowLight: return "Natural window light"
        case .glamour: return "Glamour"
        }
    }

    /// The terms added to the prompt, in order.
    public var terms: [String] {
        switch self {
        case .goldenHour: return ["golden hour lighting", "warm sunlight"]
        case .blueHour: return ["blue hour lighting", "soft twilight"]
        case .studio: return ["studio lighting", "softbox"]
        case .soft: return ["soft diffused lighting"]
        case .dramatic: return ["dramatic lighting", "chiaroscuro"]
        case .neon: return ["neon lighting", "glowing neon signs"]
        case .backlit: return ["backlit", "rim light"]
        case .overcast: return ["overcast daylight", "even lighting"]
        case .candlelight: return ["warm candlelight"]
        case .highKey: return ["high-key lighting", "bright"]
        case .lowKey: return ["low-key lighting", "deep shadows"]
        case .windowLight: return ["natural window light", "soft side light"]
        case .glamour: return ["glamour lighting", "beauty dish", "flawless highlights"]
        }
    }

    /// Words that show a prompt already says something about lighting.
    static let cues = ["light", "lighting", "lit", "sunlight", "sunset", "sunrise", "golden hour", "blue hour",
                       "shadows", "glow", "glowing", "neon", "backlit", "chiaroscuro", "candlelight", "softbox",
                       "illuminated", "high-key", "low-key", "highlights", "beauty dish"]
}
