import Foundation

extension GenerationMetadata {
    /// A LoRA named in A1111's `Lora hashes` field.
    public struct LoRAHash: Sendable, Equatable, Codable {
        /// The LoRA's name as used in the prompt's `<lora:name:weight>` tag.
        public var name: String
        /// A1111's short hash: the first 12 hex digits of the SHA-256 of the file's tensor data
        /// (everything after the safetensors header; the "AddNet" hash), lower case.
        public var hash: String
        public init(name: String, hash: String) {
            self.name = name
            self.hash = hash
        }
    }

    /// The `Lora hashes` field (`Lora hashes: "brand: 0123456789ab, film: ba9876543210"`), in order; empty
    /// when absent. Setting it replaces the field (or removes it for an empty list) where it stands.
    public var loraHashes: [LoRAHash] {
        get {
            guard let value = extraValue("Lora hashes") else { return [] }
            return value.split(separator: ",").compactMap { entry in
                guard let colon = entry.lastIndex(of: ":") else { return nil }
                let name = entry[..<colon].trimmingCharacters(in: .whitespaces)
                let hash = entry[entry.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                return name.isEmpty || hash.isEmpty ? nil : LoRAHash(name: name, hash: hash)
            }
        }
        set {
            let value = newValue.map { "\($0.name): \($0.hash)" }.joined(separator: ", ")
            if let index = extra.firstIndex(where: { $0.key.caseInsensitiveCompare("Lora hashes") == .orderedSame }) {
                if newValue.isEmpty { extra.remove(at: index) } else { extra[index].value = value }
            } else if !newValue.isEmpty {
                extra.append(Field(key: "Lora hashes", value: value))
            }
        }
    }
}
