import Foundation

/// The family of a model in `models/`, told from its files without reading any weights (configs and
/// safetensors headers only), for listings and for picking native sizes and few-step presets.
public enum ModelFamily: String, Sendable, Equatable, CaseIterable {
    case sd1, sd2, sdxl
    /// An SDXL refiner: a second stage, not a base model.
    case sdxlRefiner = "sdxl-refiner"
    /// A few-step distilled model (SD-Turbo, SDXL-Turbo, Lightning/Hyper-style): trailing timestep
    /// spacing, 1–4 steps, no guidance.
    case turbo

    /// The side, in pixels, the family was trained at (SDXL 1024; SD 2.x 768 is also common, but its
    /// 512-base models are too, so 512 unless the folder's sample size says otherwise).
    public var nativeSize: Int {
        switch self {
        case .sd1, .sd2: 512
        case .sdxl, .sdxlRefiner: 1024
        case .turbo: 512
        }
    }

    /// Whether the family is distilled for few steps without guidance.
    public var isFewStep: Bool { self == .turbo }

    /// Detects the family of a diffusers folder or single `.safetensors` file. A folder is `turbo` when its
    /// scheduler config uses `trailing` spacing (as SD-Turbo's and SDXL-Turbo's do); a single file, which
    /// has no scheduler config, when its name says turbo, lightning or hyper.
    /// - Throws: `EngineError` — `checkpoint.unsupported` for an unknown family (Flux, SD3, a LoRA…),
    ///   `file.missing`/`config.invalid` for unreadable files.
    public static func detect(path: String) throws -> ModelFamily {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EngineError.missingFile(path, what: "The model")
        }
        if !isDirectory.boolValue {
            let file = try SafeTensorsFile(path: path)
            let keys = Set(file.entries.keys)
            if isRefiner(keys: keys) { return .sdxlRefiner }
            if let why = unsupportedReason(keys: keys) {
                throw EngineError(code: "checkpoint.unsupported", message: why, path: path)
            }
            let name = (path as NSString).lastPathComponent.lowercased()
            if ["turbo", "lightning", "hyper"].contains(where: name.contains) { return .turbo }
            if isSDXL(keys: keys) { return .sdxl }
            return keys.contains(where: { $0.hasPrefix(CheckpointKeyMap.openCLIPPrefix) }) ? .sd2 : .sd1
        }
        let indexPath = (path as NSString).appendingPathComponent("model_index.json")
        if let data = FileManager.default.contents(atPath: indexPath),
           let index = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           index["text_encoder_2"] is [Any], !((index["text_encoder"] as? [Any])?.first is String) {
            return .sdxlRefiner  // text_encoder null or absent: only the OpenCLIP encoder
        }
        let folder = try DiffusersPipelineFolder(path: path)
        let scheduler = (path as NSString).appendingPathComponent("scheduler/scheduler_config.json")
        if let config = try? SchedulerConfig.load(URL(fileURLWithPath: scheduler)), config.timestepSpacing == "trailing" {
            return .turbo
        }
        if folder.isSDXL { return .sdxl }
        let textConfig = (path as NSString).appendingPathComponent("text_encoder/config.json")
        let text = try ConfigFile.load(CLIPTextConfiguration.self, path: textConfig, what: "The text encoder's config.json")
        return text.hiddenAct == "gelu" ? .sd2 : .sd1
    }

    /// SDXL's original layout: `conditioner.embedders.*` text encoders or `label_emb` in the UNet.
    static func isSDXL(keys: Set<String>) -> Bool {
        keys.contains(where: { $0.hasPrefix("conditioner.embedders.") }) || keys.contains(CheckpointKeyMap.unetPrefix + "label_emb.0.0.weight")
    }

    /// SDXL refiner files: only an OpenCLIP encoder at `conditioner.embedders.0.model`.
    static func isRefiner(keys: Set<String>) -> Bool {
        keys.contains(where: { $0.hasPrefix("conditioner.embedders.0.model.") })
            && !keys.contains(where: { $0.hasPrefix("conditioner.embedders.1.") })
    }

    /// Why a single file cannot be loaded as a base model, or nil when it looks like SD 1.x/2.x/XL.
    static func unsupportedReason(keys: Set<String>) -> String? {
        func any(_ fragments: [String]) -> Bool { keys.contains { key in fragments.contains { key.contains($0) } } }
        if any(["lora_down", "lora_up", "lora_A.", "lora_B.", "lora_unet_", "lora_te"]) {
            return "This file is a LoRA (an adapter for a base model), not a full checkpoint; apply it to a base model instead."
        }
        if any(["double_blocks.", "single_blocks.", "img_in.weight"]) {
            return "This is a Flux checkpoint; Flux is not supported by the local engine (SD 1.x, 2.x, SDXL and Turbo models are). Use a remote provider for Flux."
        }
        if any(["joint_blocks.", "x_embedder.", "context_embedder."]) {
            return "This is a Stable Diffusion 3 checkpoint; SD3 is not supported by the local engine (SD 1.x, 2.x, SDXL and Turbo models are)."
        }
        if isRefiner(keys: keys) {
            return "This is an SDXL refiner (one OpenCLIP text encoder, aesthetic-score conditioning); it refines an SDXL base model's output and cannot generate on its own. Use an SDXL base model."
        }
        return nil
    }
}
