import Foundation

/// One axis of a parameter sweep, e.g. `steps` over `[20, 30]`.
public struct SweepAxis: Sendable, Equatable, Codable {
    /// The generation parameter it varies (`steps`, `guidance`, `sampler`, `seed`, `prompt`…).
    public var name: String
    /// The values, in plot order.
    public var values: [TemplateValue]
    /// Header labels, one per value; default `name: value` (e.g. `steps: 20`).
    public var labels: [String]?

    /// Creates an axis; it is validated by ``ParameterSweep/init(axes:limit:)``.
    public init(_ name: String, values: [TemplateValue], labels: [String]? = nil) {
        self.name = name
        self.values = values
        self.labels = labels
    }

    /// The header label of value `index`.
    public func label(at index: Int) -> String {
        if let labels, labels.indices.contains(index) { return labels[index] }
        return values.indices.contains(index) ? "\(name): \(values[index])" : name
    }

    /// All header labels.
    public var headerLabels: [String] { values.indices.map(label(at:)) }

    func validate() throws {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw PromptError(code: .invalidSweep, message: "A sweep axis has no name; name the parameter it varies (e.g. steps).")
        }
        guard !values.isEmpty else {
            throw PromptError(code: .invalidSweep, message: "Sweep axis '\(name)' has no values; give it at least one.")
        }
        if let labels, labels.count != values.count {
            throw PromptError(code: .invalidSweep,
                              message: "Sweep axis '\(name)' has \(values.count) values but \(labels.count) labels; "
                                  + "give one label per value or none.")
        }
        var seen = Set<TemplateValue>()
        for value in values where !seen.insert(value).inserted {
            throw PromptError(code: .invalidSweep,
                              message: "Sweep axis '\(name)' lists \(value) twice; remove the duplicate.")
        }
    }
}
