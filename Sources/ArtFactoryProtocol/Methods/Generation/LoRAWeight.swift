/// A LoRA to apply and its weight: `generate`'s `loras`, a project's brand LoRA, and what a
/// generation records it used.
public struct LoRAWeight: Codable, Sendable, Equatable {
    /// File name in `$ARTFACTORY_HOME/loras/` without `.safetensors` (as `loras.list` shows it).
    public var name: String
    /// Multiplier; negative values subtract the LoRA. Default 1.
    public var weight: Double

    public init(name: String, weight: Double = 1) {
        self.name = name
        self.weight = weight
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 1
    }

    /// Weights allowed (A1111 allows any; beyond ±10 is always a typo).
    public static let range: ClosedRange<Double> = -10...10

    public static let schema = Schema.object([
        .init("name", .string("LoRA name (loras.list)", maxLength: 200), required: true),
        .init("weight", .number("multiplier, default 1; negative subtracts", minimum: range.lowerBound, maximum: range.upperBound)),
    ])
}
