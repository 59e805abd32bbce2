import Foundation

/// One LoRA to apply and its multiplier (A1111's `<lora:name:weight>`; negative values subtract it).
public struct LoRASelection: Sendable {
    public var file: LoRAFile
    public var weight: Float

    public init(file: LoRAFile, weight: Float = 1) {
        self.file = file
        self.weight = weight
    }
}

/// Merges LoRAs into a text encoder and UNet, producing new models that share every untouched weight
/// array with the originals (copy-on-write) and hold fresh arrays only for the layers a LoRA touches.
///
/// The originals are never written, so "removing" the LoRAs is using the original models again: the
/// next request without them is bit-identical to one made before, and no weights are reloaded from
/// disk or copied beyond the touched layers. Every key is resolved and shape-checked before any
/// arithmetic, so a bad file fails fast with the first offending key and nothing is half-applied.
enum LoRAMerger {
    /// A resolved update: which layer, from which file, with which multiplier.
    struct Planned {
        let update: LoRAFile.Update
        let multiplier: Float
        let defaultAlpha: Float?
    }

    /// Where a layer sits and its weight's shape.
    struct Slot {
        let path: String
        let shape: [Int]
        let hasBias: Bool
    }

    /// Module index of one network: dotted paths and their underscored (kohya) spellings.
    struct Index {
        var slots: [String: Slot]
        var underscored: [String: String]

        /// - Parameter textEncoder: compare paths without the `text_model.` wrapper.
        init(visiting visit: (ModuleWeightVisitor) throws -> Void, textEncoder: Bool) throws {
            var slots: [String: Slot] = [:], underscored: [String: String] = [:]
            try visit { path, shape, _, bias in
                let key = textEncoder ? LoRAMerger.textEncoderName(path) : path
                slots[key] = Slot(path: path, shape: shape, hasBias: bias != nil)
                underscored[key.replacingOccurrences(of: ".", with: "_")] = key
            }
            self.slots = slots
            self.underscored = underscored
            self.textEncoder = textEncoder
        }

        let textEncoder: Bool

        func slot(for module: LoRAFile.Module) -> Slot? {
            let name = textEncoder ? LoRAMerger.textEncoderName(module.name) : module.name
            if module.underscored { return underscored[name].flatMap { slots[$0] } }
            return slots[name]
        }
    }

    /// Text-encoder paths are compared without transformers' `text_model.` wrapper, which some tools drop.
    static func textEncoderName(_ path: String) -> String {
        if path.hasPrefix("text_model.") { return String(path.dropFirst("text_model.".count)) }
        if path.hasPrefix("text_model_") { return String(path.dropFirst("text_model_".count)) }
        return path
    }

    /// The models with `loras` merged, and how many layers were patched.
    /// - Throws: `EngineError` `lora.unmapped` (a key naming no layer of this model), `lora.shapeMismatch`
    ///   (a LoRA for another base model), each naming the file and the first offending key.
    static func merge(_ loras: [LoRASelection], textEncoder: CLIPTextModel, unet: UNet2DConditionModel) throws
        -> (textEncoder: CLIPTextModel, unet: UNet2DConditionModel, patchedLayers: Int) {
        var te = textEncoder, un = unet
        let (tePlan, unetPlan) = try plan(loras, textEncoder: textEncoder, unet: unet)
        var patched = 0
        func apply(_ plan: [String: [Planned]]) -> ModuleWeightVisitor {
            { path, shape, weight, bias in
                guard let updates = plan[path] else { return }
                // Merged in f32, then kept in the layer's own precision (a half-precision model stays half).
                var values = weight.floats
                for u in updates where u.multiplier != 0 {
                    LoRADelta.accumulate(u.update, multiplier: u.multiplier, shape: shape, defaultAlpha: u.defaultAlpha,
                                         weight: &values, bias: &bias)
                }
                weight = WeightMatrix(values, as: weight.kind)
                patched += 1
            }
        }
        if !tePlan.isEmpty { try te.visitWeights(apply(tePlan)) }
        if !unetPlan.isEmpty { try un.visitWeights(apply(unetPlan)) }
        return (te, un, patched)
    }

    /// Every update resolved to its layer and shape-checked, by network: what `merge` applies.
    static func plan(_ loras: [LoRASelection], textEncoder: CLIPTextModel, unet: UNet2DConditionModel) throws
        -> (textEncoder: [String: [Planned]], unet: [String: [Planned]]) {
        var te = textEncoder, un = unet
        let teIndex = try Index(visiting: { try te.visitWeights($0) }, textEncoder: true)
        let unetIndex = try Index(visiting: { try un.visitWeights($0) }, textEncoder: false)
        var tePlan: [String: [Planned]] = [:], unetPlan: [String: [Planned]] = [:]
        for lora in loras {
            let alphas = diffusersAlphas(lora.file.metadata)
            for module in lora.file.modules {
                let slot: Slot?
                switch module.component {
                case .unet: slot = unetIndex.slot(for: module)
                case .textEncoder: slot = teIndex.slot(for: module)
                case .textEncoder2:
                    throw EngineError.lora(lora.file.path, "shapeMismatch",
                                           "Key \"\(module.key)\" is for SDXL's second text encoder, which this model does not have; the LoRA was made for SDXL. Pick a LoRA trained for this model",
                                           key: module.key)
                }
                guard let slot else {
                    throw EngineError.lora(lora.file.path, "unmapped",
                                           "Key \"\(module.key)\" maps to no layer of this model. The LoRA was made for another base model (SDXL LoRAs name input_blocks/output_blocks layers) or another architecture",
                                           key: module.key)
                }
                try LoRADelta.check(module.update, shape: slot.shape, hasBias: slot.hasBias, key: module.key, path: lora.file.path)
                let planned = Planned(update: module.update, multiplier: lora.weight,
                                      defaultAlpha: module.underscored ? nil : alphas[module.component])
                switch module.component {
                case .unet: unetPlan[slot.path, default: []].append(planned)
                default: tePlan[slot.path, default: []].append(planned)
                }
            }
        }
        return (tePlan, unetPlan)
    }

    /// peft's `lora_alpha` per network from diffusers' `lora_adapter_metadata` (diffusers ≥ 0.33 writes it);
    /// without it diffusers takes alpha = rank, i.e. scale 1, and so does this engine.
    static func diffusersAlphas(_ metadata: [String: String]) -> [LoRAFile.Component: Float] {
        guard let text = metadata["lora_adapter_metadata"], let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var alphas: [LoRAFile.Component: Float] = [:]
        for component in [LoRAFile.Component.unet, .textEncoder, .textEncoder2] {
            if let value = object["\(component.rawValue).lora_alpha"] as? NSNumber { alphas[component] = value.floatValue }
        }
        return alphas
    }
}

extension StableDiffusionPipeline {
    /// Checks that `loras` fit this pipeline's models (every key maps to a layer of the right shape)
    /// without merging anything: cheap, so a request can be refused before it is queued.
    /// - Throws: what ``applyingLoRAs(_:)`` would throw for the same files.
    public func validateLoRAs(_ loras: [LoRASelection]) throws {
        guard !loras.isEmpty else { return }
        guard let te = textEncoder as? CLIPTextModel, let un = unet as? UNet2DConditionModel else {
            throw EngineError(code: "lora.unsupportedModel", message: "LoRAs can only be applied to the engine's own Stable Diffusion models.")
        }
        _ = try LoRAMerger.plan(loras, textEncoder: te, unet: un)
    }

    /// This pipeline with `loras` merged into its text encoder and UNet; `self` is left unchanged, and
    /// the result shares every weight the LoRAs do not touch. An empty list returns `self`.
    /// - Throws: `EngineError` (`lora.*`) naming the file and first offending key; `lora.unsupportedModel`
    ///   when the pipeline's models are not the engine's own (e.g. test fakes).
    public func applyingLoRAs(_ loras: [LoRASelection]) throws -> StableDiffusionPipeline {
        guard !loras.isEmpty else { return self }
        guard let te = textEncoder as? CLIPTextModel, let un = unet as? UNet2DConditionModel else {
            throw EngineError(code: "lora.unsupportedModel", message: "LoRAs can only be applied to the engine's own Stable Diffusion models.")
        }
        let merged = try LoRAMerger.merge(loras, textEncoder: te, unet: un)
        return StableDiffusionPipeline(tokenizer: tokenizer, textEncoder: merged.textEncoder, unet: merged.unet, vae: vae,
                                       schedulerConfig: schedulerConfig)
    }
}
