import ArtFactoryJSON

/// Reads InvokeAI's `invokeai_metadata` JSON (v3/v4 names, with v2-era fallbacks).
public enum InvokeAIMetadata {
    /// Parses the JSON text of an `invokeai_metadata` chunk.
    /// - Throws: ``ImagingError`` `invalid_metadata` when it is not a JSON object.
    public static func parse(_ json: String) throws -> GenerationMetadata {
        let object = try JSONFields.parseObject(json, what: "InvokeAI")
        var metadata = GenerationMetadata(source: .invokeAI, rawJSON: json)
        metadata.prompt = JSONFields.string(object["positive_prompt"]) ?? JSONFields.string(object["prompt"]) ?? ""
        metadata.negativePrompt = JSONFields.string(object["negative_prompt"]) ?? ""
        metadata.seed = JSONFields.seed(object["seed"])
        metadata.steps = JSONFields.int(object["steps"])
        metadata.cfgScale = JSONFields.double(object["cfg_scale"])
        metadata.scheduler = JSONFields.string(object["scheduler"])
        metadata.sampler = metadata.scheduler
        metadata.width = JSONFields.int(object["width"])
        metadata.height = JSONFields.int(object["height"])
        if let model = object["model"]?.objectValue {
            metadata.model = JSONFields.string(model["name"]) ?? JSONFields.string(model["model_name"])
            metadata.modelHash = JSONFields.string(model["hash"])
        } else {
            metadata.model = JSONFields.string(object["model"])
        }
        for key in ["generation_mode", "app_version", "rand_device", "seamless_x", "seamless_y"] {
            if let value = JSONFields.string(object[key]) {
                metadata.extra.append(GenerationMetadata.Field(key: key, value: value))
            }
        }
        return metadata
    }
}
