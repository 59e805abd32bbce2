import ArgumentParser
import ArtFactoryProtocol

extension GenerateCommand {
    /// `name` or `name:weight` (the weight may be negative: `film:-0.5`).
    static func parseLora(_ text: String) throws -> LoRAWeight {
        guard let colon = text.lastIndex(of: ":") else {
            guard !text.isEmpty else { throw ValidationError("--lora needs a name, e.g. --lora brand:0.8") }
            return LoRAWeight(name: text)
        }
        let name = String(text[..<colon]), value = text[text.index(after: colon)...]
        guard !name.isEmpty, let weight = Double(value), weight.isFinite else {
            throw ValidationError("--lora \(text): write name or name:weight with a number as the weight, e.g. --lora brand:0.8")
        }
        return LoRAWeight(name: name, weight: weight)
    }
}
