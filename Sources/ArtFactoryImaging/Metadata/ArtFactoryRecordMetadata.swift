import Foundation

/// Reads our own `artfactory` iTXt chunk: the daemon's JSON generation record. Parameters are looked up
/// at the top level and inside a `parameters` object, in camelCase or snake_case, so the record's
/// shape may grow without breaking import.
public enum ArtFactoryRecordMetadata {
    /// The PNG keyword of our chunk.
    public static let keyword = "artfactory"

    /// Parses the JSON text of an `artfactory` chunk.
    /// - Throws: ``ImagingError`` `invalid_metadata` when it is not a JSON object.
    public static func parse(_ json: String) throws -> GenerationMetadata {
        let object = try JSONFields.parseObject(json, what: "ArtFactory")
        let parameters = object["parameters"] as? [String: Any] ?? [:]
        func value(_ keys: String...) -> Any? {
            for key in keys {
                if let found = object[key], !(found is NSNull) { return found }
                if let found = parameters[key], !(found is NSNull) { return found }
            }
            return nil
        }
        var metadata = GenerationMetadata(source: .artfactory, rawJSON: json)
        metadata.prompt = JSONFields.string(value("prompt")) ?? ""
        metadata.negativePrompt = JSONFields.string(value("negativePrompt", "negative_prompt")) ?? ""
        metadata.steps = JSONFields.int(value("steps"))
        metadata.sampler = JSONFields.string(value("sampler"))
        metadata.scheduler = JSONFields.string(value("scheduler"))
        metadata.cfgScale = JSONFields.double(value("cfgScale", "cfg_scale", "guidanceScale", "guidance_scale"))
        metadata.seed = JSONFields.seed(value("seed"))
        metadata.width = JSONFields.int(value("width"))
        metadata.height = JSONFields.int(value("height"))
        metadata.model = JSONFields.string(value("model"))
        metadata.modelHash = JSONFields.string(value("modelHash", "model_hash"))
        return metadata
    }
}
