import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryPrompts

extension GalleryRecord {
    /// A1111's `Lora hashes` for the LoRAs a generation recorded (`loras` in its parameters), in order,
    /// each name once.
    static func loraHashes(_ recorded: CatalogJSON?) -> [GenerationMetadata.LoRAHash] {
        guard case .array(let list)? = recorded else { return [] }
        var hashes: [GenerationMetadata.LoRAHash] = []
        for item in list {
            guard let object = item.objectValue, case .string(let name)? = object["name"], case .string(let hash)? = object["hash"],
                  !hashes.contains(where: { $0.name == name }) else { continue }
            hashes.append(.init(name: name, hash: hash))
        }
        return hashes
    }

    /// An imported image's LoRAs, as our own generations record them: each `<lora:name:weight>` of its
    /// prompt with the hash A1111's `Lora hashes` gives it. Nil when the prompt names none.
    static func importedLoras(_ metadata: GenerationMetadata) -> CatalogJSON? {
        guard let tags = try? LoRATag.extract(from: metadata.prompt).tags, !tags.isEmpty else { return nil }
        let hashes = metadata.loraHashes
        return .array(tags.map { tag in
            var object: JSONObject = ["name": .string(tag.name), "weight": .double(tag.weight), "origin": .string("prompt")]
            if let hash = hashes.first(where: { $0.name == tag.name })?.hash { object["hash"] = .string(hash) }
            return .object(object)
        })
    }
}
