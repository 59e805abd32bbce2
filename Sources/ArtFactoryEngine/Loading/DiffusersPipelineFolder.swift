import Foundation

/// A diffusers pipeline folder: `model_index.json` naming the components, and one sub-folder per
/// component (`unet/`, `vae/`, `text_encoder/`, `tokenizer/`, `scheduler/`) with its config.
public struct DiffusersPipelineFolder: Sendable {
    /// The folder.
    public let path: String
    /// `_class_name` from model_index.json, e.g. `StableDiffusionPipeline`.
    public let pipelineClass: String
    /// Component name → `[library, class]` for every non-null component.
    public let components: [String: [String]]
    /// SDXL's `force_zeros_for_empty_prompt`: an empty negative prompt is all-zero embeddings.
    public let forceZerosForEmptyPrompt: Bool
    /// SDXL's `requires_aesthetics_score`: the UNet's time ids end with an aesthetic score (refiners).
    public let requiresAestheticsScore: Bool
    /// Whether this is an SDXL base pipeline (two text encoders, added conditioning).
    public var isSDXL: Bool { components["text_encoder_2"] != nil && components["text_encoder"] != nil }
    /// Whether this is an SDXL refiner: `text_encoder_2` (OpenCLIP with projection) without `text_encoder`.
    public var isRefiner: Bool { components["text_encoder_2"] != nil && components["text_encoder"] == nil }

    /// Reads and checks `model_index.json`.
    /// - Throws: `EngineError` (`file.missing`, `config.invalid`, `pipeline.unsupported`).
    public init(path: String) throws {
        self.path = path
        let indexPath = (path as NSString).appendingPathComponent("model_index.json")
        guard FileManager.default.fileExists(atPath: indexPath) else {
            throw EngineError.missingFile(indexPath, what: "model_index.json (the diffusers pipeline index)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: indexPath)))
        } catch {
            throw EngineError.badConfig(indexPath, "model_index.json is not valid JSON", cause: error)
        }
        guard let index = object as? [String: Any], let className = index["_class_name"] as? String else {
            throw EngineError.badConfig(indexPath, "model_index.json has no _class_name")
        }
        var components: [String: [String]] = [:]
        for (key, value) in index where !key.hasPrefix("_") {
            if let pair = value as? [Any], pair.count == 2, let library = pair[0] as? String, let type = pair[1] as? String {
                components[key] = [library, type]
            }
        }
        let supported = ["StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline", "StableDiffusionInpaintPipeline",
                         "StableDiffusionXLPipeline", "StableDiffusionXLImg2ImgPipeline"]
        guard supported.contains(className) else {
            throw EngineError(code: "pipeline.unsupported",
                              message: "\(className) is not supported; use a Stable Diffusion 1.x, 2.x or SDXL pipeline.",
                              path: indexPath)
        }
        let refiner = className.hasPrefix("StableDiffusionXL") && components["text_encoder"] == nil && components["text_encoder_2"] != nil
        var required = refiner ? ["unet", "vae", "scheduler"] : ["unet", "vae", "text_encoder", "tokenizer", "scheduler"]
        if className.hasPrefix("StableDiffusionXL") { required += ["text_encoder_2", "tokenizer_2"] }
        for name in required where components[name] == nil {
            throw EngineError.badConfig(indexPath, "model_index.json does not name a \(name)")
        }
        forceZerosForEmptyPrompt = (index["force_zeros_for_empty_prompt"] as? Bool) ?? className.hasPrefix("StableDiffusionXL")
        requiresAestheticsScore = (index["requires_aesthetics_score"] as? Bool) ?? false
        if refiner && !requiresAestheticsScore {
            throw EngineError(code: "pipeline.unsupported",
                              message: "This SDXL pipeline has only text_encoder_2 but does not set requires_aesthetics_score; only SDXL refiners (aesthetic-score conditioning) may leave text_encoder out.",
                              path: indexPath)
        }
        pipelineClass = className
        self.components = components
    }

    /// The sub-folder of a component, checked to exist.
    public func directory(of component: String) throws -> String {
        let dir = (path as NSString).appendingPathComponent(component)
        guard FileManager.default.fileExists(atPath: dir) else {
            throw EngineError.missingFile(dir, what: "The \(component) folder")
        }
        return dir
    }

    /// Loads the networks (SDXL: both text encoders; a refiner: its one encoder as `textEncoder`).
    public func loadModels() throws -> StableDiffusionModels {
        if isRefiner {
            let textEncoder = try CLIPTextModel(directory: directory(of: "text_encoder_2"))
            let unet = try UNet2DConditionModel(directory: directory(of: "unet"))
            let vae = try AutoencoderKL(directory: directory(of: "vae"))
            return try StableDiffusionModels(textEncoder: textEncoder, unet: unet, vae: vae, source: path)
        }
        let textEncoder = try CLIPTextModel(directory: directory(of: "text_encoder"))
        let textEncoder2 = isSDXL ? try CLIPTextModel(directory: directory(of: "text_encoder_2")) : nil
        let unet = try UNet2DConditionModel(directory: directory(of: "unet"))
        let vae = try AutoencoderKL(directory: directory(of: "vae"))
        return try StableDiffusionModels(textEncoder: textEncoder, textEncoder2: textEncoder2, unet: unet, vae: vae, source: path)
    }
}
