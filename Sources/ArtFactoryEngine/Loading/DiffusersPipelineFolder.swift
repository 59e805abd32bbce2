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
        let supported = ["StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline", "StableDiffusionInpaintPipeline"]
        guard supported.contains(className) else {
            throw EngineError(code: "pipeline.unsupported",
                              message: "\(className) is not supported; use a Stable Diffusion 1.x or 2.x pipeline.",
                              path: indexPath)
        }
        for required in ["unet", "vae", "text_encoder", "tokenizer", "scheduler"] where components[required] == nil {
            throw EngineError.badConfig(indexPath, "model_index.json does not name a \(required)")
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

    /// Loads the three networks.
    public func loadModels() throws -> StableDiffusionModels {
        let textEncoder = try CLIPTextModel(directory: directory(of: "text_encoder"))
        let unet = try UNet2DConditionModel(directory: directory(of: "unet"))
        let vae = try AutoencoderKL(directory: directory(of: "vae"))
        return try StableDiffusionModels(textEncoder: textEncoder, unet: unet, vae: vae, source: path)
    }
}
