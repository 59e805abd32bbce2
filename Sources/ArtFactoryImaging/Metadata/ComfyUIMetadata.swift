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
        if let workflow, let graph = try? ComfyFields.parseObject(workflow, what: "ComfyUI workflow") {
            parsedAny = true
            readWorkflow(graph, into: &metadata)
        }
        if let prompt, let graph = try? ComfyFields.parseObject(prompt, what: "ComfyUI prompt") {
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
            guard let link = value as? [Any], let id = link.first.flatMap(ComfyFields.string) else { return nil }
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
            metadata.seed = ComfyFields.seed(values["seed"]) ?? ComfyFields.seed(values["noise_seed"]) ?? metadata.seed
            metadata.steps = ComfyFields.int(values["steps"]) ?? metadata.steps
            metadata.cfgScale = ComfyFields.double(values["cfg"]) ?? metadata.cfgScale
            metadata.sampler = ComfyFields.string(values["sampler_name"]) ?? metadata.sampler
            metadata.scheduler = ComfyFields.string(values["scheduler"]) ?? metadata.scheduler
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
                metadata.width = ComfyFields.int(values["width"]) ?? metadata.width
                metadata.height = ComfyFields.int(values["height"]) ?? metadata.height
            case "CheckpointLoaderSimple", "CheckpointLoader":
                metadata.model = ComfyFields.string(values["ckpt_name"]) ?? metadata.model
            default: break
            }
        }
    }

    // MARK: UI graph ("workflow" chunk)

    static func readWorkflow(_ graph: [String: Any], into metadata: inout GenerationMetadata) {
        let nodes = (graph["nodes"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        var nodesByID: [Int: [String: Any]] = [:]
        for node in nodes { if let id = ComfyFields.int(node["id"]) { nodesByID[id] = node } }
        // links: [id, from_node, from_slot, to_node, to_slot, type]
        var linkSource: [Int: Int] = [:]
        for case let link as [Any] in graph["links"] as? [Any] ?? [] where link.count >= 2 {
            if let id = ComfyFields.int(link[0]), let from = ComfyFields.int(link[1]) { linkSource[id] = from }
        }
        func widgets(_ node: [String: Any]) -> [Any] { node["widgets_values"] as? [Any] ?? [] }
        func type(_ node: [String: Any]) -> String { node["type"] as? String ?? "" }
        func source(of node: [String: Any], input name: String) -> [String: Any]? {
            for case let input as [String: Any] in node["inputs"] as? [Any] ?? [] where input["name"] as? String == name {
                if let link = ComfyFields.int(input["link"]), let from = linkSource[link] { return nodesByID[from] }
            }
            return nil
        }
        func text(_ node: [String: Any]?) -> String? { node.flatMap { widgets($0).first as? String } }
        if let sampler = nodes.first(where: { type($0) == "KSampler" }) {
            let values = widgets(sampler)
            // KSampler widgets: seed, control_after_generate, steps, cfg, sampler_name, scheduler, denoise
            if values.count >= 6 {
                metadata.seed = ComfyFields.seed(values[0])
                metadata.steps = ComfyFields.int(values[2])
                metadata.cfgScale = ComfyFields.double(values[3])
                metadata.sampler = ComfyFields.string(values[4])
                metadata.scheduler = ComfyFields.string(values[5])
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
                metadata.width = ComfyFields.int(values[0])
                metadata.height = ComfyFields.int(values[1])
            }
        }
        if let loader = nodes.first(where: { type($0) == "CheckpointLoaderSimple" }) {
            metadata.model = widgets(loader).first.flatMap(ComfyFields.string)
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

/// Lenient readers over `JSONSerialization` output, for ComfyUI's graphs only. ComfyUI draws seeds
/// from 0…2^64−1; ``JSONValue`` keeps integers exact up to Int64.max (beyond, a double), while
/// `JSONSerialization` keeps every such seed exact as an `NSNumber`, so these graphs are read
/// with it. Every other metadata JSON goes through ``JSONFields`` and the one JSON parser.
private enum ComfyFields {
    static func parseObject(_ text: String, what: String) throws -> [String: Any] {
        guard let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any] else {
            throw ImagingError(.invalidMetadata, "the \(what) metadata is not a JSON object; the file's metadata is damaged")
        }
        return object
    }

    static func string(_ value: Any?) -> String? {
        if let string = value as? String { return string }
        if let number = value as? NSNumber, !isBool(number) { return number.stringValue }
        return nil
    }

    static func double(_ value: Any?) -> Double? {
        if let number = value as? NSNumber, !isBool(number) {
            let double = number.doubleValue
            return double.isFinite ? double : nil
        }
        if let string = value as? String, let double = Double(string.trimmingCharacters(in: .whitespaces)), double.isFinite {
            return double
        }
        return nil
    }

    static func int(_ value: Any?) -> Int? {
        if let number = value as? NSNumber, !isBool(number) {
            let double = number.doubleValue
            guard double.isFinite, double.rounded() == double, abs(double) < 9.0e15 else { return nil }
            return Int(double)
        }
        if let string = value as? String { return Int(string.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    /// Seeds: non-negative integers up to UInt64.max (ComfyUI); exact when written as integers.
    static func seed(_ value: Any?) -> UInt64? {
        if let number = value as? NSNumber, !isBool(number) {
            if let exact = UInt64(number.stringValue) { return exact }
            let double = number.doubleValue
            guard double.isFinite, double >= 0, double < 1.8e19, double.rounded() == double else { return nil }
            return UInt64(double)
        }
        if let string = value as? String { return UInt64(string.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    /// JSON booleans come back as NSNumber too; their type code is `c` (char), which JSON numbers never use.
    static func isBool(_ number: NSNumber) -> Bool {
        let code = number.objCType.pointee
        return code == 0x63 || code == 0x42
    }
}
