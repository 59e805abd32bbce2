/// A 0–100 style slider that becomes one weighted term.
///
/// Mapping: `0` omits the term; `1...100` maps linearly onto `minimumWeight...maximumWeight` as
/// `weight = minimumWeight + (maximumWeight - minimumWeight) * value / 100`, rounded to 2 decimals.
/// With the defaults (0.5…1.5): 25 → 0.75, 50 → 1.0 (plain term), 100 → 1.5.
public struct StyleSlider: Sendable, Equatable, Codable {
    /// Slider name shown to the user, e.g. `vibrancy`.
    public var name: String
    /// The term it controls, e.g. `vibrant colors`.
    public var term: String
    /// Position 0...100.
    public var value: Int
    /// Weight at value 1 (just above off).
    public var minimumWeight: Double
    /// Weight at value 100.
    public var maximumWeight: Double

    /// Creates a slider; the value is checked by ``weightedTerm()``.
    public init(name: String, term: String, value: Int, minimumWeight: Double = 0.5, maximumWeight: Double = 1.5) {
        self.name = name
        self.term = term
        self.value = value
        self.minimumWeight = minimumWeight
        self.maximumWeight = maximumWeight
    }

    /// The weighted term for the current value, or `nil` at 0.
    /// - Throws: ``PromptError`` (`prompt.invalid_profile`) for a value outside 0...100 or bad weights.
    public func weightedTerm() throws -> WeightedTerm? {
        guard (0...100).contains(value) else {
            throw PromptError(code: .invalidProfile,
                              message: "Slider '\(name)' is \(value); use a value from 0 (off) to 100.")
        }
        guard minimumWeight <= maximumWeight,
              WeightedTerm.weightRange.contains(minimumWeight), WeightedTerm.weightRange.contains(maximumWeight) else {
            throw PromptError(code: .invalidProfile,
                              message: "Slider '\(name)' weights \(minimumWeight)…\(maximumWeight) are invalid; "
                                  + "use 0 ≤ minimum ≤ maximum ≤ 3.")
        }
        guard value > 0 else { return nil }
        let weight = minimumWeight + (maximumWeight - minimumWeight) * Double(value) / 100
        let term = WeightedTerm(term, weight: (weight * 100).rounded() / 100)
        try term.validate()
        return term
    }
}
