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

/// Resolves LoRA keys to the layers of a text encoder and UNet and checks their shapes: the plan
/// that ``StableDiffusionPipeline/mergeLoRAs(_:label:)`` applies in place (LoRAInPlace.swift).
///
/// Every key is resolved and shape-checked before any arithmetic, so a bad file fails fast with the
/// first offending key and nothing is half-applied.
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

        /// For the UNet: `down_blocks` resnets per level (how original `input_blocks.K` are grouped).
        var layersPerBlock = 2

        func slot(for module: LoRAFile.Module) -> Slot? {
            let name = textEncoder ? LoRAMerger.textEncoderName(module.name) : module.name
            if module.underscored {
                if let hit = underscored[name].flatMap({ slots[$0] }) { return hit }
                // Original (LDM) module names, as kohya writes them for SDXL and old SD 1.x files.
                guard !textEncoder, let mapped = LoRAMerger.diffusersName(ofOriginal: name, layersPerBlock: layersPerBlock) else { return nil }
                return underscored[mapped.replacingOccurrences(of: ".", with: "_")].flatMap { slots[$0] }
            }
            return slots[name]
        }
    }

    /// The diffusers module path (with any underscored tail left as is) of an underscored original-layout
    /// UNet module name: `input_blocks_4_1_transformer_blocks_0_attn1_to_q` →
    /// `down_blocks.1.attentions.0.transformer_blocks_0_attn1_to_q`; `input_blocks_1_0_in_layers_2` →
    /// `down_blocks.0.resnets.0.conv1`. Nil for a name that is not in the original layout.
    static func diffusersName(ofOriginal name: String, layersPerBlock: Int) -> String? {
        let parts = name.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        // How many leading underscore-separated words form the block name, and how many numbers follow.
        let heads: [(words: [String], numbers: Int)] = [
            (["input", "blocks"], 2), (["output", "blocks"], 2), (["middle", "block"], 1),
            (["time", "embed"], 1), (["label", "emb"], 2), (["out"], 1),
        ]
        guard let head = heads.first(where: { parts.starts(with: $0.words) }) else { return nil }
        let numbers = parts.dropFirst(head.words.count).prefix(head.numbers)
        guard numbers.count == head.numbers, numbers.allSatisfy({ Int($0) != nil }) else { return nil }
        var tail = parts.dropFirst(head.words.count + head.numbers).joined(separator: "_")
        // ResNet sub-layers are dotted in the original layout (`in_layers.2`), which the renaming expects.
        for (under, dotted) in [("in_layers_2", "in_layers.2"), ("emb_layers_1", "emb_layers.1"), ("out_layers_3", "out_layers.3")]
            where tail == under { tail = dotted }
        let dotted = ([head.words.joined(separator: "_")] + numbers + (tail.isEmpty ? [] : [tail]) + ["weight"]).joined(separator: ".")
        guard let renamed = CheckpointKeyMap.unet([CheckpointKeyMap.unetPrefix + dotted], layersPerBlock: layersPerBlock).first?.key,
              renamed.hasSuffix(".weight") else { return nil }
        return String(renamed.dropLast(".weight".count))
    }

    /// Text-encoder paths are compared without transformers' `text_model.` wrapper, which some tools drop.
    static func textEncoderName(_ path: String) -> String {
        if path.hasPrefix("text_model.") { return String(path.dropFirst("text_model.".count)) }
        if path.hasPrefix("text_model_") { return String(path.dropFirst("text_model_".count)) }
        return path
    }

    /// Every update resolved to its layer and shape-checked, by network: what a merge applies.
    /// - Parameter textEncoder2: SDXL's second text encoder, or nil for models without one.
    static func plan(_ loras: [LoRASelection], textEncoder: CLIPTextModel, textEncoder2: CLIPTextModel? = nil,
                     unet: UNet2DConditionModel) throws -> Plans {
        var te = textEncoder, un = unet
        let teIndex = try Index(visiting: { try te.visitWeights($0) }, textEncoder: true)
        var te2Index: Index?
        if var te2 = textEncoder2 { te2Index = try Index(visiting: { try te2.visitWeights($0) }, textEncoder: true) }
        var unetIndex = try Index(visiting: { try un.visitWeights($0) }, textEncoder: false)
        unetIndex.layersPerBlock = un.downBlocks.first?.resnets.count ?? 2
        var plans = Plans()
        for lora in loras {
            let alphas = diffusersAlphas(lora.file.metadata)
            for module in lora.file.modules {
                let slot: Slot?
                switch module.component {
                case .unet: slot = unetIndex.slot(for: module)
                case .textEncoder: slot = teIndex.slot(for: module)
                case .textEncoder2:
                    guard let te2Index else {
                        throw EngineError.lora(lora.file.path, "shapeMismatch",
                                               "Key \"\(module.key)\" is for SDXL's second text encoder, which this model does not have; the LoRA was made for SDXL. Pick a LoRA trained for this model",
                                               key: module.key)
                    }
                    slot = te2Index.slot(for: module)
                }
                guard let slot else {
                    throw EngineError.lora(lora.file.path, "unmapped",
                                           "Key \"\(module.key)\" maps to no layer of this model. The LoRA was made for another base model (an SD 1.x/2.x LoRA on SDXL or the reverse) or another architecture",
                                           key: module.key)
                }
                try LoRADelta.check(module.update, shape: slot.shape, hasBias: slot.hasBias, key: module.key, path: lora.file.path)
                let planned = Planned(update: module.update, multiplier: lora.weight,
                                      defaultAlpha: module.underscored ? nil : alphas[module.component])
                switch module.component {
                case .unet: plans.unet[slot.path, default: []].append(planned)
                case .textEncoder: plans.textEncoder[slot.path, default: []].append(planned)
                case .textEncoder2: plans.textEncoder2[slot.path, default: []].append(planned)
                }
            }
        }
        return plans
    }

    /// Resolved updates by layer path, per network.
    struct Plans {
        var textEncoder: [String: [Planned]] = [:]
        var textEncoder2: [String: [Planned]] = [:]
        var unet: [String: [Planned]] = [:]
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
    /// - Throws: what ``mergeLoRAs(_:label:)`` would throw for the same files.
    public func validateLoRAs(_ loras: [LoRASelection]) throws {
        guard !loras.isEmpty else { return }
        let networks = try loraNetworks()
        _ = try LoRAMerger.plan(loras, textEncoder: networks.textEncoder, textEncoder2: networks.textEncoder2, unet: networks.unet)
    }

    /// A copy of this pipeline with `loras` merged; `self` is left unchanged (the copy's patched layers
    /// are new arrays, every other weight is shared). An empty list returns `self`. The daemon merges
    /// into its warm pipeline in place instead (``mergeLoRAs(_:label:)``), which copies nothing.
    /// - Throws: `EngineError` (`lora.*`) naming the file and first offending key; `lora.unsupportedModel`
    ///   when the pipeline's models are not the engine's own (e.g. test fakes) or are SDXL's.
    public func applyingLoRAs(_ loras: [LoRASelection]) throws -> StableDiffusionPipeline {
        guard !loras.isEmpty else { return self }
        var copy = self
        try copy.mergeLoRAs(loras, label: "")
        return copy
    }
}
