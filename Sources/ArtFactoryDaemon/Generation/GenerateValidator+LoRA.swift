import ArtFactoryCatalog
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation

extension GenerateValidator {
    /// The LoRAs a request applies, checked before anything is queued: the request's `loras`, the
    /// project's brand LoRA (unless `useBrandLora` is false) and every `<lora:…>` tag in the prompt
    /// (all variants, so no expansion can reach an unknown name). When the model is already in memory the
    /// LoRAs are also checked against its layers, so a LoRA for another base model is refused here too
    /// (otherwise that is found out when the job runs). Nil when there are none.
    /// - Throws: `notFound` for an unknown LoRA, `invalidFile` for one that cannot be read,
    ///   `invalidParams` for a bad tag or weight, or LoRAs asked of a cloud provider's model. For a
    ///   model on self-hosted servers the names are checked against the servers' own LoRA lists.
    func resolveLoras(_ params: Generate.Params, prompt: String, project: Project?, remote: ProviderHub.Model?, modelPath: String) throws -> [GenerationSpec.LoRAUse]? {
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
        if let remote, ProviderHub.isServerKind(remote.provider) {
            return try serverLoras(uses, params: params, project: project, remote: remote)
        }
        if remote != nil {
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

    /// LoRAs for a model on self-hosted servers (ComfyUI, A1111/Forge, sd.cpp): the request's, the
    /// prompt's tags and the project's brand LoRA, each of which must be on a server that has the
    /// model (its ComfyUI `LoraLoader` list, `/sdapi/v1/loras`, sd.cpp's capabilities), checked
    /// here so nothing is queued that no server can make. When no server can be reached now the
    /// check waits for the job (it then runs only on a server that has them all).
    private func serverLoras(_ found: [GenerationSpec.LoRAUse], params: Generate.Params, project: Project?,
                             remote: ProviderHub.Model) throws -> [GenerationSpec.LoRAUse]? {
        var uses = found
        if params.useBrandLora != false, let brand = GenerationSpec.parseBrandLora(project?.brandLora) {
            uses.append(.init(name: brand.name, weight: brand.weight, origin: "brand"))
        }
        guard !uses.isEmpty else { return nil }
        guard uses.count <= 16 else { throw RPCError.invalidParams("at most 16 LoRAs per generation (got \(uses.count))", field: "loras") }
        if let bad = uses.first(where: { !$0.weight.isFinite || abs($0.weight) > 10 }) {
            throw RPCError.invalidParams("LoRA \(bad.name): weight \(bad.weight) is out of range (use -10…10, usually 0.5…1)", field: "loras")
        }
        if let bad = uses.first(where: { $0.name.isEmpty || $0.name.contains(where: { $0.isNewline || $0 == ">" || $0 == "<" }) }) {
            throw RPCError.invalidParams("LoRA name '\(bad.name)' is not a valid name", field: "loras")
        }
        if params.params?["workflow"] != nil {
            throw RPCError.invalidParams("a registered workflow takes no LoRAs; put LoraLoader nodes into the workflow file instead", field: "loras")
        }
        let names = Array(NSOrderedSet(array: uses.map(\.name)).array.compactMap { $0 as? String })
        if let servers = providers?.servers, let problem = servers.loraProblem(kind: remote.provider, model: remote.settings.id, loras: names) {
            throw RPCError(code: RPCErrorCode.notFound, message: problem.prefix(1).uppercased() + problem.dropFirst() + ".",
                           data: ["kind": "notFound", "path": "loras"])
        }
        return uses
    }
}
