import Foundation

extension LoRAFile {
    /// What `loras.list` shows about a file, computed from its keys, shapes and metadata alone.
    public struct Summary: Sendable, Equatable {
        /// `sd1`, `sd2`, `sdxl` or `unknown`.
        public var baseFamily: String
        /// The largest rank among the file's low-rank updates; nil for full-rank differences only.
        public var rank: Int?
        /// Layers touched per network (`unet`, `text_encoder`, `text_encoder_2`).
        public var modules: [String: Int]
        /// Kinds of layers touched: `attention`, `feed_forward`, `projection`, `conv`, `time_embedding`, `text_encoder`.
        public var layerKinds: [String]
        /// The most frequent training tags (kohya's `ss_tag_frequency`), most frequent first.
        public var triggerWords: [String]
    }

    public var summary: Summary {
        var counts: [String: Int] = [:]
        var kinds = Set<String>()
        var rank: Int?
        var crossAttentionWidth: Int?, textWidth: Int?
        for module in modules {
            counts[module.component.rawValue, default: 0] += 1
            let n = module.name
            if module.component != .unet {
                kinds.insert("text_encoder")
            } else if n.contains("attn1") || n.contains("attn2") {
                kinds.insert("attention")
            } else if n.contains("ff_net") || n.contains("ff.net") {
                kinds.insert("feed_forward")
            } else if n.contains("proj_in") || n.contains("proj_out") {
                kinds.insert("projection")
            } else if n.contains("time_emb") || n.contains("time_embedding") {
                kinds.insert("time_embedding")
            } else {
                kinds.insert("conv")
            }
            var r: Int?, inWidth: Int?
            switch module.update {
            case .lowRank(let up, let down, _):
                r = up.shape.count >= 2 ? up.shape[1] : nil
                inWidth = down.shape.count >= 2 ? down.shape[1] : nil
            case .loha(_, let w1b, _, _, _):
                r = w1b.shape.first
                inWidth = w1b.shape.count >= 2 ? w1b.shape[1] : nil
            case .lokr(_, _, let w1b, _, _, let w2b, _):
                r = w2b?.shape.first ?? w1b?.shape.first
            case .full(let diff, _):
                inWidth = diff.flatMap { $0.shape.count >= 2 ? $0.shape[1] : nil }
            }
            if let r { rank = max(rank ?? 0, r) }
            if n.hasSuffix("attn2_to_k") || n.hasSuffix("attn2.to_k") { crossAttentionWidth = inWidth }
            if module.component == .textEncoder && (n.hasSuffix("q_proj")) { textWidth = inWidth }
        }
        return Summary(baseFamily: baseFamily(crossAttentionWidth: crossAttentionWidth, textWidth: textWidth),
                       rank: rank, modules: counts, layerKinds: kinds.sorted(), triggerWords: triggerWords())
    }

    /// The base model the file was trained on: from layer widths when they are those of a real model
    /// (cross-attention 768 = SD 1.x, 1024 = SD 2.x, 2048 = SDXL), else from kohya's metadata.
    func baseFamily(crossAttentionWidth: Int?, textWidth: Int?) -> String {
        if modules.contains(where: { $0.component == .textEncoder2 }) { return "sdxl" }
        switch crossAttentionWidth ?? textWidth {
        case 768: return "sd1"
        case 1024: return "sd2"
        case 2048: return "sdxl"
        default: break
        }
        let version = (metadata["ss_base_model_version"] ?? metadata["modelspec.architecture"] ?? "").lowercased()
        if version.contains("xl") { return "sdxl" }
        if version.contains("v2") || version.contains("sd_2") || version.contains("v2-") { return "sd2" }
        if version.contains("v1") || version.contains("sd_1") { return "sd1" }
        if metadata["ss_v2"] == "True" { return "sd2" }
        return "unknown"
    }

    /// Up to ten tags from kohya's `ss_tag_frequency` (`{"folder": {"tag": count}}`), most frequent first.
    func triggerWords() -> [String] {
        guard let text = metadata["ss_tag_frequency"], let data = text.data(using: .utf8),
              let folders = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        var totals: [String: Int] = [:]
        for case let tags as [String: Any] in folders.values {
            for (tag, count) in tags {
                let word = tag.trimmingCharacters(in: .whitespaces)
                if !word.isEmpty { totals[word, default: 0] += (count as? NSNumber)?.intValue ?? 0 }
            }
        }
        return totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map(\.key)
    }
}
