/// Two groups of terms that contradict each other in one prompt ("day" vs "night").
public struct TermConflict: Sendable, Equatable, Codable {
    /// Terms on one side (any one of them).
    public var first: [String]
    /// Terms that contradict any of ``first``.
    public var second: [String]

    /// Creates a conflict between two groups of terms.
    public init(_ first: [String], _ second: [String]) {
        self.first = first
        self.second = second
    }

    /// The built-in table of known conflicts.
    public static let builtIn: [TermConflict] = [
        TermConflict(["day", "daytime", "daylight", "midday", "noon", "sunny day"],
                     ["night", "nighttime", "midnight", "night sky"]),
        TermConflict(["black and white", "monochrome", "grayscale", "greyscale", "b&w"],
                     ["vibrant colors", "vibrant colours", "colorful", "colourful", "vivid colors", "vivid colours",
                      "rainbow colors"]),
        TermConflict(["close-up", "closeup", "macro", "extreme close-up"],
                     ["wide shot", "wide angle", "wide-angle", "establishing shot", "panorama", "panoramic"]),
        TermConflict(["minimalist", "minimal", "minimalism", "simple background"],
                     ["highly detailed", "intricate", "intricate details", "ornate", "busy background"]),
        TermConflict(["photorealistic", "photograph", "realistic photo", "hyperrealistic"],
                     ["cartoon", "anime", "cel shaded", "flat illustration"]),
        TermConflict(["summer"], ["winter", "snow", "snowy"]),
        TermConflict(["indoors", "indoor", "interior"], ["outdoors", "outdoor", "exterior"]),
        TermConflict(["high-key lighting"], ["low-key lighting", "deep shadows"]),
        TermConflict(["sunrise", "dawn"], ["sunset", "dusk"]),
        TermConflict(["bird's-eye view", "aerial perspective", "top-down view"], ["low angle shot", "worm's-eye view"]),
        TermConflict(["full body shot", "head to toe"], ["close-up", "headshot", "head and shoulders"]),
    ]

    /// The first matching term of each side when both occur in `text`.
    func match(in text: TermText) -> (String, String)? {
        guard let left = text.firstMatch(first), let right = text.firstMatch(second) else { return nil }
        return (left, right)
    }
}
