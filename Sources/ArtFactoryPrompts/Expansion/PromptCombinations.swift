/// A lazy, throwing iterator over the combinations of a prompt (see ``ExpansionMode/combinatorial``).
///
/// Each call to ``next()`` does only the work needed for one more prompt, so huge (even effectively
/// unbounded) combination spaces can be walked up to a limit.
public struct PromptCombinations {
    private let stream: CombinationStream
    private var finished = false

    init(stream: @escaping CombinationStream) {
        self.stream = stream
    }

    /// The next combination, normalized, or `nil` when all have been produced.
    /// - Throws: ``PromptError`` met while expanding (missing wildcard, cycle, undefined variable…).
    public mutating func next() throws -> String? {
        guard !finished else { return nil }
        guard let outcome = try stream() else {
            finished = true
            return nil
        }
        return PromptExpander.normalize(outcome.text)
    }
}

/// One produced piece of text and the variable scope after it.
struct CombinationOutcome {
    var text: String
    var scope: ExpansionScope
}

/// Produces outcomes one at a time; `nil` when exhausted.
typealias CombinationStream = () throws -> CombinationOutcome?
