import ArtFactoryPrompts
import ArtFactoryProtocol

extension GenerationSpec {
    /// One LoRA a generation applies, as recorded in its parameters and image metadata.
    struct LoRAUse: Codable, Sendable, Equatable {
        var name: String
        var weight: Double
        /// `request` (`loras` / `--lora`), `brand` (the project's brand LoRA) or `prompt` (a `<lora:…>` tag).
        var origin: String
        /// A1111 short hash of the file at submit time.
        var hash: String?
    }

    /// The LoRAs every image applies (request and brand); prompt tags are added per image.
    var fixedLoras: [LoRAUse] { (loras ?? []).filter { $0.origin != "prompt" } }

    /// The LoRAs image `index` applies: the fixed ones plus its expanded prompt's tags.
    func loras(forPromptTags tags: [LoRATag]) -> [LoRAUse] {
        fixedLoras + tags.map { LoRAUse(name: $0.name, weight: $0.weight, origin: "prompt", hash: nil) }
    }

    /// The project's brand LoRA as stored in the catalog: `name` or `name:weight`.
    static func parseBrandLora(_ stored: String?) -> LoRAWeight? {
        guard let stored, !stored.isEmpty else { return nil }
        if let colon = stored.lastIndex(of: ":"), let weight = Double(stored[stored.index(after: colon)...]) {
            return LoRAWeight(name: String(stored[..<colon]), weight: weight)
        }
        return LoRAWeight(name: stored, weight: 1)
    }

    /// The catalog form of a brand LoRA (see ``parseBrandLora(_:)``).
    static func storeBrandLora(_ lora: LoRAWeight) -> String { "\(lora.name):\(LoRATag.format(lora.weight))" }
}
