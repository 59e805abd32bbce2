import Foundation

/// An AUTOMATIC1111 extra-network tag, `<lora:name:0.8>` or `<lora:name>` (weight 1), found in a prompt.
///
/// A1111 removes these tags before the text encoder sees the prompt and applies the named LoRA at the
/// weight given; the daemon does the same. `<lyco:…>` (the old LyCORIS extension's spelling) is read as
/// `<lora:…>`. Separate text-encoder/UNet weights (`<lora:name:0.8:0.5>`) are refused, not guessed.
public struct LoRATag: Sendable, Equatable, Codable, Hashable {
    /// The LoRA's file name without `.safetensors`.
    public var name: String
    /// The multiplier; negative values subtract the LoRA.
    public var weight: Double

    public init(name: String, weight: Double = 1) {
        self.name = name
        self.weight = weight
    }

    /// The tag as A1111 writes it (`<lora:name:0.8>`).
    public var text: String { "<lora:\(name):\(Self.format(weight))>" }

    /// `1` for 1.0, `0.8` for 0.8.
    public static func format(_ weight: Double) -> String {
        if weight.rounded() == weight, abs(weight) < 1e9 { return String(Int(weight)) }
        return String(weight)
    }

    /// Splits the LoRA tags out of `prompt`.
    /// - Returns: the prompt without its tags (what the text encoder reads) and the tags in order; a name
    ///   given twice keeps its first position and the weights add up, as A1111 applies both.
    /// - Throws: ``PromptError`` `prompt.syntax` for a tag without a name, with a weight that is not a
    ///   number, or with separate text-encoder/UNet weights.
    public static func extract(from prompt: String) throws -> (prompt: String, tags: [LoRATag]) {
        var text = ""
        var tags: [LoRATag] = []
        var rest = Substring(prompt)
        var column = 1
        while let open = rest.range(of: "<") {
            text += rest[..<open.lowerBound]
            column += rest.distance(from: rest.startIndex, to: open.lowerBound)
            let after = rest[open.upperBound...]
            let lowered = after.prefix(5).lowercased()
            guard lowered.hasPrefix("lora:") || lowered.hasPrefix("lyco:"), let close = after.range(of: ">") else {
                text += "<"
                rest = after
                column += 1
                continue
            }
            let body = after[after.index(after.startIndex, offsetBy: 5)..<close.lowerBound]
            let parts = body.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = parts.first ?? ""
            guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
                throw PromptError.syntax("the LoRA tag <\(after[..<close.lowerBound])> needs a LoRA name, e.g. <lora:brand:0.8>", column: column)
            }
            guard parts.count <= 2 else {
                throw PromptError.syntax("<lora:\(name):…> gives \(parts.count - 1) weights; separate text-encoder and UNet weights are not supported, give one weight", column: column)
            }
            var weight = 1.0
            if parts.count == 2 {
                guard let value = Double(parts[1]), value.isFinite, abs(value) <= 10 else {
                    throw PromptError.syntax("the weight \"\(parts[1])\" of <lora:\(name)> is not a number between -10 and 10", column: column)
                }
                weight = value
            }
            if let existing = tags.firstIndex(where: { $0.name == name }) {
                tags[existing].weight += weight
            } else {
                tags.append(LoRATag(name: name, weight: weight))
            }
            column += after.distance(from: after.startIndex, to: close.upperBound) + 1
            rest = after[close.upperBound...]
        }
        text += rest
        return (text, tags)
    }
}
