import ArtFactoryProtocol
import Foundation

/// A ComfyUI API-format graph (`{"<node id>": {"class_type", "inputs"}}`) for one image: the
/// built-in txt2img / img2img / inpaint graphs, or a user's registered workflow with its named
/// inputs filled in.
struct ComfyWorkflow: Sendable {
    var name: String
    var graph: JSONObject
    var inputs: [String: String]

    /// Loads a registered workflow. `directory` resolves a relative `file`.
    /// - Throws: `invalidParams` saying what is wrong with the file.
    static func load(name: String, settings: ComfyWorkflowSettings, directory: String) throws -> ComfyWorkflow {
        let path = settings.file.hasPrefix("/") ? settings.file : directory + "/" + settings.file
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RPCError.invalidParams("workflow '\(name)': \(path) cannot be read; fix providers.comfyui.workflows.\(name).file", field: "params")
        }
        guard let json = try? JSONParser().parse(Array(data)), let graph = json.objectValue, !graph.isEmpty,
              graph.allSatisfy({ $0.value["class_type"]?.stringValue != nil && $0.value["inputs"]?.objectValue != nil }) else {
            throw RPCError.invalidParams("workflow '\(name)': \(path) is not an API-format workflow (save it with ComfyUI's \"Save (API)\")", field: "params")
        }
        for (key, target) in settings.inputs.sorted(by: { $0.key < $1.key }) {
            let node = String(target.split(separator: ".", maxSplits: 1)[0])
            guard graph[node] != nil else {
                throw RPCError.invalidParams("workflow '\(name)': input \(key) points at node \(node), which the workflow does not have", field: "params")
            }
        }
        return ComfyWorkflow(name: name, graph: graph, inputs: settings.inputs)
    }

    /// The graph for `task`. `image`/`mask` are the names the server gave the uploads.
    static func graph(for task: ServerTask, image: String?, mask: String?) -> JSONObject {
        if let workflow = task.workflow { return workflow.filled(task, image: image, mask: mask) }
        let (sampler, scheduler) = ServerSamplers.comfy(task.sampler)
        var ksampler: [(String, JSONValue)] = [
            ("seed", .int(task.seed)), ("steps", .int(Int64(task.steps))), ("cfg", .double(task.guidance)),
            ("sampler_name", .string(sampler)), ("scheduler", .string(scheduler)),
            ("denoise", .double(image == nil ? 1 : (task.strength ?? 0.8))),
            ("model", ["4", 0]), ("positive", ["6", 0]), ("negative", ["7", 0]),
        ]
        var nodes: [(String, JSONValue)] = [("4", node("CheckpointLoaderSimple", [("ckpt_name", .string(task.checkpoint))]))]
        // LoRAs: a chain of LoraLoader nodes (20, 21, …) between the checkpoint and its users,
        // each taking the previous one's model (output 0) and CLIP (output 1).
        var model: JSONValue = ["4", 0]
        var clip: JSONValue = ["4", 1]
        for (i, lora) in task.loras.enumerated() {
            let id = String(20 + i)
            nodes.append((id, node("LoraLoader", [("model", model), ("clip", clip), ("lora_name", .string(lora.name)),
                                                   ("strength_model", .double(lora.weight)), ("strength_clip", .double(lora.weight))])))
            model = .array([.string(id), 0])
            clip = .array([.string(id), 1])
        }
        ksampler[ksampler.firstIndex { $0.0 == "model" }!].1 = model
        nodes.append(("6", node("CLIPTextEncode", [("text", .string(task.prompt)), ("clip", clip)])))
        nodes.append(("7", node("CLIPTextEncode", [("text", .string(task.negativePrompt)), ("clip", clip)])))
        if let image {
            nodes.append(("10", node("LoadImage", [("image", .string(image))])))
            if let mask {
                nodes.append(("12", node("LoadImageMask", [("image", .string(mask)), ("channel", "red")])))
                nodes.append(("11", node("VAEEncodeForInpaint", [("pixels", ["10", 0]), ("vae", ["4", 2]), ("mask", ["12", 0]), ("grow_mask_by", 6)])))
            } else {
                nodes.append(("11", node("VAEEncode", [("pixels", ["10", 0]), ("vae", ["4", 2])])))
            }
            ksampler.append(("latent_image", ["11", 0]))
        } else {
            nodes.append(("5", node("EmptyLatentImage", [("width", .int(Int64(task.width))), ("height", .int(Int64(task.height))), ("batch_size", 1)])))
            ksampler.append(("latent_image", ["5", 0]))
        }
        // Pass-through params set KSampler inputs (`sampler_name`, `scheduler`, `denoise`, …).
        var inputs = JSONObject(ksampler)
        for key in task.extra.keys.sorted() where key != "workflow" { inputs[key] = task.extra[key]! }
        nodes.append(("3", .object(JSONObject([("class_type", "KSampler"), ("inputs", .object(inputs))]))))
        nodes.append(("8", node("VAEDecode", [("samples", ["3", 0]), ("vae", ["4", 2])])))
        nodes.append(("9", node("SaveImage", [("filename_prefix", "artfactory"), ("images", ["8", 0])])))
        return JSONObject(nodes)
    }

    private static func node(_ type: String, _ inputs: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject([("class_type", .string(type)), ("inputs", .object(JSONObject(inputs)))]))
    }

    /// This workflow with the task's values written into the mapped inputs.
    func filled(_ task: ServerTask, image: String?, mask: String?) -> JSONObject {
        let (sampler, scheduler) = ServerSamplers.comfy(task.sampler)
        var values: [String: JSONValue] = [
            "prompt": .string(task.prompt), "negativePrompt": .string(task.negativePrompt), "seed": .int(task.seed),
            "steps": .int(Int64(task.steps)), "guidance": .double(task.guidance), "width": .int(Int64(task.width)),
            "height": .int(Int64(task.height)), "checkpoint": .string(task.checkpoint), "batchSize": 1,
            "denoise": .double(image == nil ? 1 : (task.strength ?? 0.8)),
        ]
        if task.sampler != nil { values["sampler"] = .string(sampler); values["scheduler"] = .string(scheduler) }
        if let image { values["image"] = .string(image) }
        if let mask { values["mask"] = .string(mask) }
        var out = graph
        for (key, target) in inputs.sorted(by: { $0.key < $1.key }) {
            guard let value = values[key] else { continue }
            let parts = target.split(separator: ".", maxSplits: 1).map(String.init)
            guard var nodeObject = out[parts[0]]?.objectValue, var nodeInputs = nodeObject["inputs"]?.objectValue else { continue }
            nodeInputs[parts[1]] = value
            nodeObject["inputs"] = .object(nodeInputs)
            out[parts[0]] = .object(nodeObject)
        }
        return out
    }
}
