import ArtFactoryJSON

/// Reads our own `artfactory` iTXt chunk: the daemon's JSON generation record. Parameters are looked up
/// at the top level and inside a `parameters` object, in camelCase or snake_case, so the record's
/// shape may grow without breaking import.
public enum ArtFactoryRecordMetadata {
    /// The PNG keyword of our chunk.
    public static let keyword = "artfactory"

    /// The record in an `artfactory` chunk's JSON text, read by the one JSON parser; the daemon
    /// reads every parameter of an imported record from here, ``parse(_:)`` the common fields.
    /// - Throws: ``ImagingError`` `invalid_metadata` when it is not a JSON object.
    public static func record(_ json: String) throws -> JSONObject {
        try JSONFields.parseObject(json, what: "ArtFactory")
    }

    /// Parses the JSON text of an `artfactory` chunk.
    /// - Throws: ``ImagingError`` `invalid_metadata` when it is not a JSON object.
    public static func parse(_ json: String) throws -> GenerationMetadata {
        let object = try record(json)
        let parameters = object["parameters"]?.objectValue ?? JSONObject()
        func value(_ keys: String...) -> JSONValue? {
            for key in keys {
                if let found = object[key], found != .null { return found }
                if let found = parameters[key], found != .null { return found }
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
