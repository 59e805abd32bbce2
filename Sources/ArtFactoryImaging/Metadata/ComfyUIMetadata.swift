import Foundation

/// Reads ComfyUI's PNG chunks: `prompt` (the API graph: node id → `class_type` + `inputs`) and, as a
/// fallback, `workflow` (the UI graph: `nodes` with `widgets_values`, and `links`).
///
/// The sampler node (`KSampler`, `KSamplerAdvanced`) gives seed/steps/cfg/sampler/scheduler; its
/// `positive`/`negative` links lead to the `CLIPTextEncode` texts; `EmptyLatentImage` gives the size and
/// `CheckpointLoaderSimple` the model. Both raw JSON documents are kept in `rawJSON` as
/// `{"prompt": …, "workflow": …}`.
public enum ComfyUIMetadata {
    /// Parses ComfyUI chunks; at least one must be given.
    /// - Throws: ``ImagingError`` `invalid_metadata` when neither is a JSON object.
    public static func parse(prompt: String?, workflow: String?) throws -> GenerationMetadata {
        var metadata = GenerationMetadata(source: .comfyUI)
        var parsedAny = false
        if let workflow, let graph = try? JSONFields.parseObject(workflow, what: "ComfyUI workflow") {
            parsedAny = true
            readWorkflow(graph, into: &metadata)
        }
        if let prompt, let graph = try? JSONFields.parseObject(prompt, what: "ComfyUI prompt") {
            parsedAny = true
            readPromptGraph(graph, into: &metadata)
        }
        guard parsedAny else {
            throw ImagingError(.invalidMetadata, "the ComfyUI prompt/workflow chunks are not JSON objects")
        }
        var raw: [String] = []
        if let prompt { raw.append("\"prompt\":" + (isJSON(prompt) ? prompt : quoted(prompt))) }
        if let workflow { raw.append("\"workflow\":" + (isJSON(workflow) ? workflow : quoted(workflow))) }
        metadata.rawJSON = "{" + raw.joined(separator: ",") + "}"
        return metadata
    }

    // MARK: API graph ("prompt" chunk)

    static func readPromptGraph(_ graph: [String: Any], into metadata: inout GenerationMetadata) {
        let nodes = graph.compactMapValues { $0 as? [String: Any] }
        func inputs(_ node: [String: Any]) -> [String: Any] { node["inputs"] as? [String: Any] ?? [:] }
        func classType(_ node: [String: Any]) -> String { node["class_type"] as? String ?? "" }
        func linkedNode(_ value: Any?) -> [String: Any]? {
            guard let link = value as? [Any], let id = link.first.flatMap(JSONFields.string) else { return nil }
            return nodes[id]
        }
        /// Text of a text-encode node, following one level of link (e.g. to a primitive string node).
        func text(of node: [String: Any]?, depth: Int = 0) -> String? {
            guard let node, depth < 4 else { return nil }
            let values = inputs(node)
            for key in ["text", "text_g", "string", "value", "prompt"] {
                if let string = values[key] as? String { return string }
                if let next = linkedNode(values[key]), let string = text(of: next, depth: depth + 1) { return string }
            }
            if let conditioning = linkedNode(values["conditioning"]) { return text(of: conditioning, depth: depth + 1) }
            return nil
        }
        let sortedIDs = nodes.keys.sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }
        let sampler = sortedIDs.lazy.compactMap { nodes[$0] }.first { classType($0).hasPrefix("KSampler") }
        if let sampler {
            let values = inputs(sampler)
            metadata.seed = JSONFields.seed(values["seed"]) ?? JSONFields.seed(values["noise_seed"]) ?? metadata.seed
            metadata.steps = JSONFields.int(values["steps"]) ?? metadata.steps
            metadata.cfgScale = JSONFields.double(values["cfg"]) ?? metadata.cfgScale
            metadata.sampler = JSONFields.string(values["sampler_name"]) ?? metadata.sampler
            metadata.scheduler = JSONFields.string(values["scheduler"]) ?? metadata.scheduler
            if let positive = text(of: linkedNode(values["positive"])) { metadata.prompt = positive }
            if let negative = text(of: linkedNode(values["negative"])) { metadata.negativePrompt = negative }
        }
        if metadata.prompt.isEmpty,
           let encoder = sortedIDs.lazy.compactMap({ nodes[$0] }).first(where: { classType($0) == "CLIPTextEncode" }),
           let positive = text(of: encoder) {
            metadata.prompt = positive
        }
        for id in sortedIDs {
            guard let node = nodes[id] else { continue }
            let values = inputs(node)
            switch classType(node) {
            case "EmptyLatentImage", "EmptySD3LatentImage":
                metadata.width = JSONFields.int(values["width"]) ?? metadata.width
                metadata.height = JSONFields.int(values["height"]) ?? metadata.height
            case "CheckpointLoaderSimple", "CheckpointLoader":
                metadata.model = JSONFields.string(values["ckpt_name"]) ?? metadata.model
            default: break
            }
        }
    }

    // MARK: UI graph ("workflow" chunk)

    static func readWorkflow(_ graph: [String: Any], into metadata: inout GenerationMetadata) {
        let nodes = (graph["nodes"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        var nodesByID: [Int: [String: Any]] = [:]
        for node in nodes { if let id = JSONFields.int(node["id"]) { nodesByID[id] = node } }
        // links: [id, from_node, from_slot, to_node, to_slot, type]
        var linkSource: [Int: Int] = [:]
        for case let link as [Any] in graph["links"] as? [Any] ?? [] where link.count >= 2 {
            if let id = JSONFields.int(link[0]), let from = JSONFields.int(link[1]) { linkSource[id] = from }
        }
        func widgets(_ node: [String: Any]) -> [Any] { node["widgets_values"] as? [Any] ?? [] }
        func type(_ node: [String: Any]) -> String { node["type"] as? String ?? "" }
        func source(of node: [String: Any], input name: String) -> [String: Any]? {
            for case let input as [String: Any] in node["inputs"] as? [Any] ?? [] where input["name"] as? String == name {
                if let link = JSONFields.int(input["link"]), let from = linkSource[link] { return nodesByID[from] }
            }
            return nil
        }
        func text(_ node: [String: Any]?) -> String? { node.flatMap { widgets($0).first as? String } }
        if let sampler = nodes.first(where: { type($0) == "KSampler" }) {
            let values = widgets(sampler)
            // KSampler widgets: seed, control_after_generate, steps, cfg, sampler_name, scheduler, denoise
            if values.count >= 6 {
                metadata.seed = JSONFields.seed(values[0])
                metadata.steps = JSONFields.int(values[2])
                metadata.cfgScale = JSONFields.double(values[3])
                metadata.sampler = JSONFields.string(values[4])
                metadata.scheduler = JSONFields.string(values[5])
            }
            if let positive = text(source(of: sampler, input: "positive")) { metadata.prompt = positive }
            if let negative = text(source(of: sampler, input: "negative")) { metadata.negativePrompt = negative }
        }
        if metadata.prompt.isEmpty, let encoder = nodes.first(where: { type($0) == "CLIPTextEncode" }),
           let positive = text(encoder) {
            metadata.prompt = positive
        }
        if let latent = nodes.first(where: { type($0) == "EmptyLatentImage" }) {
            let values = widgets(latent)
            if values.count >= 2 {
                metadata.width = JSONFields.int(values[0])
                metadata.height = JSONFields.int(values[1])
            }
        }
        if let loader = nodes.first(where: { type($0) == "CheckpointLoaderSimple" }) {
            metadata.model = widgets(loader).first.flatMap(JSONFields.string)
        }
    }

    private static func isJSON(_ text: String) -> Bool {
        guard let data = text.data(using: .utf8) else { return false }
        return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
    }

    private static func quoted(_ text: String) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
