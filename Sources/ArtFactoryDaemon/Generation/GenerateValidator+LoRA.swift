import ArtFactoryCatalog
import ArtFactoryPrompts
import ArtFactoryProtocol

extension GenerateValidator {
    /// The LoRAs a request applies, checked before anything is queued: the request's `loras`, the
    /// project's brand LoRA (unless `useBrandLora` is false) and every `<lora:…>` tag in the prompt
    /// (all variants, so no expansion can reach an unknown name). When the model is already in memory the
    /// LoRAs are also checked against its layers, so a LoRA for another base model is refused here too
    /// (otherwise that is found out when the job runs). Nil when there are none.
    /// - Throws: `notFound` for an unknown LoRA, `invalidFile` for one that cannot be read,
    ///   `invalidParams` for a bad tag or weight, or LoRAs asked of a remote model.
    func resolveLoras(_ params: Generate.Params, prompt: String, project: Project?, remote: Bool, modelPath: String) throws -> [GenerationSpec.LoRAUse]? {
        var uses: [GenerationSpec.LoRAUse] = []
        for lora in params.loras ?? [] {
            uses.append(.init(name: lora.name, weight: lora.weight, origin: "request"))
        }
        let tags: [LoRATag]
        do {
            tags = try LoRATag.extract(from: prompt).tags
        } catch let e as PromptError {
            throw RPCError.invalidParams("the prompt's LoRA tag is malformed: \(e.message)", field: "prompt")
        }
        uses += tags.map { .init(name: $0.name, weight: $0.weight, origin: "prompt") }
        if remote {
            guard uses.isEmpty else {
                throw RPCError.invalidParams("LoRAs apply to local models only; remove loras and <lora:…> tags for a remote model", field: "loras")
            }
            return nil  // a project's brand LoRA cannot travel to a provider
        }
        if params.useBrandLora != false, let brand = GenerationSpec.parseBrandLora(project?.brandLora) {
            uses.append(.init(name: brand.name, weight: brand.weight, origin: "brand"))
        }
        guard !uses.isEmpty else { return nil }
        guard uses.count <= 16 else { throw RPCError.invalidParams("at most 16 LoRAs per generation (got \(uses.count))", field: "loras") }
        let resolved = try models.loras.resolveUses(uses)
        let resident = models.cache.residentKeys
        if let key = [modelPath, modelPath + ModelRegistry.bf16KeySuffix].first(where: resident.contains) {
            try models.loras.validate(resolved, against: try models.cache.value(for: key))
        }
        return resolved
    }
}
