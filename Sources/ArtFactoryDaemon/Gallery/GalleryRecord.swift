import ArtFactoryCatalog
import ArtFactoryImaging
import Foundation

/// The metadata the gallery embeds in every PNG it writes and reads back on import: the
/// `artfactory` iTXt JSON record and the A1111-style `parameters` text made from it.
enum GalleryRecord {
    /// Record format version written in the `artfactory` chunk.
    static let version: Int64 = 1

    /// The JSON text of the `artfactory` chunk for `generation`: prompt, negative prompt, model,
    /// provider, seed, all parameters (under `parameters`), tags and the image size.
    static func json(_ generation: Generation, tags: [String], width: Int, height: Int) -> String {
        var members: [String: CatalogJSON] = [
            "version": .int(version),
            "generationId": .string(generation.id),
            "prompt": .string(generation.prompt),
            "negativePrompt": .string(generation.negativePrompt),
            "model": .string(generation.model),
            "provider": .string(generation.provider),
            "parameters": generation.params,
            "tags": .array(tags.map { .string($0) }),
            "width": .int(Int64(width)),
            "height": .int(Int64(height)),
            "createdAt": .int(generation.createdAt),
        ]
        if let seed = generation.seed { members["seed"] = .int(seed) }
        if let parent = generation.parentGenerationId { members["parentGenerationId"] = .string(parent) }
        if let remoteId = generation.remoteId { members["remoteId"] = .string(remoteId) }
        if let cost = generation.cost { members["cost"] = .double(cost) }
        return JSONValue.object(JSONObject(members)).jsonText
    }

    /// The A1111-compatible view of `generation` (for the `parameters` tEXt chunk).
    static func metadata(_ generation: Generation, width: Int, height: Int) -> GenerationMetadata {
        let params = generation.params.objectValue ?? [:]
        func int(_ key: String) -> Int? {
            if case .int(let v)? = params[key] { return Int(v) }
            if case .double(let v)? = params[key] { return Int(v) }
            return nil
        }
        func double(_ key: String) -> Double? {
            if case .double(let v)? = params[key] { return v }
            if case .int(let v)? = params[key] { return Double(v) }
            return nil
        }
        func string(_ key: String) -> String? {
            if case .string(let v)? = params[key] { return v }
            return nil
        }
        var metadata = GenerationMetadata(source: .artfactory, prompt: generation.prompt, negativePrompt: generation.negativePrompt,
                                  steps: int("steps"), sampler: string("sampler"), scheduler: string("scheduler"),
                                  cfgScale: double("cfgScale") ?? double("guidanceScale"),
                                  seed: generation.seed.map { UInt64(bitPattern: $0) }, width: width, height: height,
                                  model: generation.model.isEmpty ? nil : generation.model)
        metadata.loraHashes = loraHashes(params["loras"])
        if let precision = string("precision") { metadata.extra.append(.init(key: "Precision", value: precision)) }
        // A1111's names for a refiner stage.
        if let refiner = string("refiner") {
            metadata.extra.append(.init(key: "Refiner", value: refiner))
            if let handoff = double("refinerHandoff") { metadata.extra.append(.init(key: "Refiner switch at", value: String(handoff))) }
        }
        return metadata
    }

    /// A generation row for an imported image whose PNG carried metadata: our own record keeps
    /// every parameter; other tools' formats keep what ``GenerationMetadata`` holds.
    static func generation(from metadata: GenerationMetadata, projectId: String?, createdAt: Int64) -> Generation {
        var params: [String: CatalogJSON] = [:]
        if metadata.source == .artfactory, let raw = metadata.rawJSON, let record = try? ArtFactoryRecordMetadata.record(raw) {
            params = record["parameters"]?.objectValue?.dictionary ?? [:]
        } else {
            if let v = metadata.steps { params["steps"] = .int(Int64(v)) }
            if let v = metadata.sampler { params["sampler"] = .string(v) }
            if let v = metadata.scheduler { params["scheduler"] = .string(v) }
            if let v = metadata.cfgScale { params["cfgScale"] = .double(v) }
            if let v = metadata.width { params["width"] = .int(Int64(v)) }
            if let v = metadata.height { params["height"] = .int(Int64(v)) }
            if let v = metadata.modelHash { params["modelHash"] = .string(v) }
            for field in metadata.extra { params[field.key] = .string(field.value) }
            if let loras = importedLoras(metadata) { params["loras"] = loras }
        }
        return Generation(projectId: projectId, prompt: metadata.prompt, negativePrompt: metadata.negativePrompt,
                          params: .object(JSONObject(params)), model: metadata.model ?? "", provider: "import:" + metadata.source.rawValue,
                          seed: metadata.seed.map { Int64(bitPattern: $0) }, status: .succeeded, createdAt: createdAt)
    }

    /// Tag names recorded in our own `artfactory` record, or `[]`.
    static func tags(from metadata: GenerationMetadata) -> [String] {
        guard metadata.source == .artfactory, let raw = metadata.rawJSON, let record = try? ArtFactoryRecordMetadata.record(raw),
              case .array(let list)? = record["tags"] else { return [] }
        return list.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
    }
}
