import Foundation

/// A prompt term with an emphasis weight, written in A1111 syntax: `(term:1.2)`; weight 1 is plain `term`.
public struct WeightedTerm: Sendable, Equatable, Hashable, Codable {
    /// The words, e.g. `vibrant colors`.
    public var term: String
    /// Emphasis: 1 is neutral, above 1 stronger, below 1 weaker. Valid range 0...3.
    public var weight: Double

    /// The accepted weight range.
    public static let weightRange: ClosedRange<Double> = 0...3

    /// Creates a term; call ``validate()`` before trusting user-supplied weights.
    public init(_ term: String, weight: Double = 1) {
        self.term = term
        self.weight = weight
    }

    /// The term in prompt syntax: `term` at weight 1, else `(term:1.25)` (two decimals at most);
    /// parentheses inside the term are escaped so they are not read as emphasis.
    public var rendered: String {
        let escaped = term.replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")
        let rounded = (weight * 100).rounded() / 100
        if rounded == 1 { return escaped }
        var number = String(format: "%.2f", rounded)
        while number.hasSuffix("0") { number.removeLast() }
        if number.hasSuffix(".") { number.removeLast() }
        return "(\(escaped):\(number))"
    }

    /// Checks the term is not empty and the weight is a finite number in ``weightRange``.
    /// - Throws: ``PromptError`` (`prompt.invalid_profile`).
    public func validate() throws {
        guard !term.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw PromptError(code: .invalidProfile, message: "A style term is empty; remove it or give it words.")
        }
        guard weight.isFinite, Self.weightRange.contains(weight) else {
            throw PromptError(code: .invalidProfile,
                              message: "Weight \(weight) of '\(term)' is out of range; use a number from 0 to 3 (1 = neutral).")
        }
    }
}
