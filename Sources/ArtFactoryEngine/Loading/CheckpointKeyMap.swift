/// Renames the keys of an original (CompVis/Stability "LDM") single-file Stable Diffusion checkpoint
/// to diffusers module names, so the same model code loads both layouts.
///
/// Original layout: `model.diffusion_model.*` (UNet), `first_stage_model.*` (VAE),
/// `cond_stage_model.transformer.*` (SD 1.x, OpenAI CLIP) or `cond_stage_model.model.*`
/// (SD 2.x, OpenCLIP, whose fused `in_proj` attention weights are split into q/k/v).
enum CheckpointKeyMap {
    typealias Renamed = [String: (key: String, rows: Range<Int>?)]

    static let unetPrefix = "model.diffusion_model."
    static let vaePrefix = "first_stage_model."
    static let openAIPrefix = "cond_stage_model.transformer."
    static let openCLIPPrefix = "cond_stage_model.model."

    /// UNet names; `layersPerBlock` decides how `input_blocks.K` / `output_blocks.K` are grouped.
    static func unet(_ keys: [String], layersPerBlock l: Int) -> Renamed {
        var out: Renamed = [:]
        for full in keys where full.hasPrefix(unetPrefix) {
            let k = String(full.dropFirst(unetPrefix.count))
            if let name = unetName(k, l) { out[name] = (full, nil) }
        }
        return out
    }

    private static func unetName(_ k: String, _ l: Int) -> String? {
        let parts = k.split(separator: ".", maxSplits: 3).map(String.init)
        func rest(_ n: Int) -> String { parts.dropFirst(n).joined(separator: ".") }
        switch parts.first {
        case "label_emb":  // SDXL's added text-time embedding: label_emb.0.0 / label_emb.0.2
            guard parts.count > 3, parts[1] == "0" else { return nil }
            return "add_embedding.linear_\(parts[2] == "0" ? 1 : 2).\(parts[3])"
        case "time_embed":
            return parts.count > 2 ? "time_embedding.linear_\(parts[1] == "0" ? 1 : 2).\(rest(2))" : nil
        case "out":
            return parts.count > 2 ? (parts[1] == "0" ? "conv_norm_out." : "conv_out.") + rest(2) : nil
        case "middle_block":
            guard parts.count > 2, let s = Int(parts[1]) else { return nil }
            return s == 1 ? "mid_block.attentions.0.\(rest(2))" : "mid_block.resnets.\(s / 2).\(resnet(rest(2)))"
        case "input_blocks":
            guard parts.count > 3, let block = Int(parts[1]), let sub = Int(parts[2]) else { return nil }
            if block == 0 { return "conv_in.\(parts[3])" }
            let i = (block - 1) / (l + 1), j = (block - 1) % (l + 1)
            let r = parts[3]
            if sub == 0 && r.hasPrefix("op.") { return "down_blocks.\(i).downsamplers.0.conv.\(r.dropFirst(3))" }
            return sub == 0 ? "down_blocks.\(i).resnets.\(j).\(resnet(r))" : "down_blocks.\(i).attentions.\(j).\(r)"
        case "output_blocks":
            guard parts.count > 3, let block = Int(parts[1]), let sub = Int(parts[2]) else { return nil }
            let i = block / (l + 1), j = block % (l + 1)
            let r = parts[3]
            if sub == 0 { return "up_blocks.\(i).resnets.\(j).\(resnet(r))" }
            if r.hasPrefix("conv.") { return "up_blocks.\(i).upsamplers.0.conv.\(r.dropFirst(5))" }
            return "up_blocks.\(i).attentions.\(j).\(r)"
        default:
            return nil
        }
    }

    private static func resnet(_ r: String) -> String {
        let renames = [("in_layers.0.", "norm1."), ("in_layers.2.", "conv1."), ("emb_layers.1.", "time_emb_proj."),
                       ("out_layers.0.", "norm2."), ("out_layers.3.", "conv2."), ("skip_connection.", "conv_shortcut.")]
        for (old, new) in renames where r.hasPrefix(old) { return new + r.dropFirst(old.count) }
        return r
    }

    /// VAE names; `blocks` is the number of resolution levels (the decoder's are numbered in reverse).
    static func vae(_ keys: [String], blocks: Int) -> Renamed {
        var out: Renamed = [:]
        for full in keys where full.hasPrefix(vaePrefix) {
            var k = String(full.dropFirst(vaePrefix.count))
            let replacements = [(".norm_out.", ".conv_norm_out."), (".mid.block_1.", ".mid_block.resnets.0."),
                                (".mid.block_2.", ".mid_block.resnets.1."), (".mid.attn_1.norm.", ".mid_block.attentions.0.group_norm."),
                                (".mid.attn_1.q.", ".mid_block.attentions.0.to_q."), (".mid.attn_1.k.", ".mid_block.attentions.0.to_k."),
                                (".mid.attn_1.v.", ".mid_block.attentions.0.to_v."), (".mid.attn_1.proj_out.", ".mid_block.attentions.0.to_out.0."),
                                (".nin_shortcut.", ".conv_shortcut."), (".downsample.conv.", ".downsamplers.0.conv."),
                                (".upsample.conv.", ".upsamplers.0.conv."), (".block.", ".resnets.")]
            for (old, new) in replacements { k = k.replacingOccurrences(of: old, with: new) }
            let parts = k.split(separator: ".", maxSplits: 3).map(String.init)
            if parts.count == 4, parts[0] == "encoder", parts[1] == "down" {
                k = "encoder.down_blocks.\(parts[2]).\(parts[3])"
            } else if parts.count == 4, parts[0] == "decoder", parts[1] == "up", let i = Int(parts[2]) {
                k = "decoder.up_blocks.\(blocks - 1 - i).\(parts[3])"
            }
            out[k] = (full, nil)
        }
        return out
    }

    /// Text-encoder names for OpenAI CLIP (already transformers' names) or OpenCLIP (renamed, split).
    /// SDXL: `conditioner.embedders.0.transformer.` (CLIP ViT-L) and `.1.model.` (OpenCLIP ViT-bigG).
    static let sdxlOpenAIPrefix = "conditioner.embedders.0.transformer."
    static let sdxlOpenCLIPPrefix = "conditioner.embedders.1.model."
    /// An SDXL refiner's one encoder (OpenCLIP ViT-bigG), as in Stability's sd_xl_refiner_1.0.safetensors.
    static let refinerOpenCLIPPrefix = "conditioner.embedders.0.model."

    /// Text-encoder names for OpenAI CLIP (already transformers' names) or OpenCLIP (renamed, split;
    /// with `projection`, its `text_projection` maps to `text_projection.weight`, stored transposed — see
    /// `WeightSource`; SD 2.x does not use it).
    static func textEncoder(_ keys: [String], hiddenSize h: Int, openAIPrefix: String = openAIPrefix,
                            openCLIPPrefix: String = openCLIPPrefix, projection: Bool = false) -> Renamed {
        var out: Renamed = [:]
        for full in keys {
            if full.hasPrefix(openAIPrefix) {
                out[String(full.dropFirst(openAIPrefix.count))] = (full, nil)
                continue
            }
            guard full.hasPrefix(openCLIPPrefix) else { continue }
            if projection, full == openCLIPPrefix + "text_projection" { out["text_projection.weight"] = (full, nil); continue }
            var k = String(full.dropFirst(openCLIPPrefix.count))
            if k == "token_embedding.weight" { out["embeddings.token_embedding.weight"] = (full, nil); continue }
            if k == "positional_embedding" { out["embeddings.position_embedding.weight"] = (full, nil); continue }
            if k.hasPrefix("ln_final.") { out["final_layer_norm." + k.dropFirst(9)] = (full, nil); continue }
            guard k.hasPrefix("transformer.resblocks.") else { continue }
            k = "encoder.layers." + k.dropFirst("transformer.resblocks.".count)
            for (old, new) in [(".ln_1.", ".layer_norm1."), (".ln_2.", ".layer_norm2."), (".attn.out_proj.", ".self_attn.out_proj."),
                               (".mlp.c_fc.", ".mlp.fc1."), (".mlp.c_proj.", ".mlp.fc2.")] {
                k = k.replacingOccurrences(of: old, with: new)
            }
            for (suffix, kind) in [(".attn.in_proj_weight", "weight"), (".attn.in_proj_bias", "bias")] where k.hasSuffix(suffix) {
                let layer = String(k.dropLast(suffix.count))
                for (i, name) in ["q_proj", "k_proj", "v_proj"].enumerated() {
                    out["\(layer).self_attn.\(name).\(kind)"] = (full, (i * h)..<((i + 1) * h))
                }
                k = ""
            }
            if !k.isEmpty { out[k] = (full, nil) }
        }
        return out
    }
}
