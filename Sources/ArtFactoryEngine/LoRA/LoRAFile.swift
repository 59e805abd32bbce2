import Foundation

/// A LoRA (or LyCORIS) `.safetensors` file, read and sorted into per-layer updates.
///
/// The format is detected from the key names, as A1111 and diffusers do:
/// - kohya/A1111: `lora_unet_<path>` / `lora_te_<path>` (`lora_te1_`, `lora_te2_` for SDXL) with
///   `.lora_down.weight`, `.lora_up.weight` and `.alpha`; a 3×3 `lora_down` is LoCon;
/// - diffusers/PEFT: `unet.<path>` / `text_encoder.<path>` with `.lora_A.weight`/`.lora_B.weight`
///   (or diffusers' older `.lora.down/up.weight`, `.lora_linear_layer.down/up.weight`);
/// - LyCORIS LoHa (`.hada_w1_a` …) and LoKr (`.lokr_w1` / `.lokr_w1_a` … `.lokr_w2_b`);
/// - full-rank differences (`.diff`, `.diff_b`).
/// Values are converted to f32 on load (LoRA files are small next to the model they modify).
public struct LoRAFile: Sendable {
    /// The file's kind, as listed to users.
    public enum Format: String, Sendable, Equatable {
        case kohya, locon, diffusers, loha, lokr, full, mixed
    }

    /// Which network a module belongs to.
    public enum Component: String, Sendable, Equatable {
        case unet
        case textEncoder = "text_encoder"
        /// SDXL's second text encoder (`lora_te2_`); no SD 1.x/2.x model has one.
        case textEncoder2 = "text_encoder_2"
    }

    /// The update one layer receives.
    enum Update: Sendable {
        /// `up [out, r(,1,1)] · down [r, in(,k,k)] · alpha / r`.
        case lowRank(up: Tensor, down: Tensor, alpha: Float?)
        /// LoHa: `(w1a·w1b) ⊙ (w2a·w2b) · alpha / r`.
        case loha(w1a: Tensor, w1b: Tensor, w2a: Tensor, w2b: Tensor, alpha: Float?)
        /// LoKr: `kron(w1, w2) · alpha / r` (scale 1 when neither factor is decomposed).
        case lokr(w1: Tensor?, w1a: Tensor?, w1b: Tensor?, w2: Tensor?, w2a: Tensor?, w2b: Tensor?, alpha: Float?)
        /// A full-rank difference to the weight and/or the bias.
        case full(diff: Tensor?, diffBias: Tensor?)
    }

    /// One layer's update and where it points.
    struct Module: Sendable {
        /// The key stem as written in the file (for error messages).
        let key: String
        let component: Component
        /// The module path: diffusers dotted (`down_blocks.0…to_q`) or kohya underscored.
        let name: String
        let underscored: Bool
        var update: Update
    }

    /// Path the file was read from.
    public let path: String
    /// The file name without `.safetensors`.
    public let name: String
    public let format: Format
    /// The `__metadata__` map (kohya writes its training settings here).
    public let metadata: [String: String]
    let modules: [Module]
    /// Bytes on disk.
    public let byteCount: Int64

    /// Reads and classifies a file.
    /// - Throws: `EngineError` — `file.missing`, `safetensors.*` for a damaged file, `lora.unsupported`
    ///   for keys of a kind this engine does not apply, `lora.invalid` for an update that lacks a part;
    ///   each naming the file and the first offending key.
    public init(path: String) throws {
        let file = try SafeTensorsFile(path: path)
        self.path = path
        name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        metadata = file.metadata
        byteCount = Int64(((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0)
        var groups: [String: [String: Tensor]] = [:]
        for key in file.names {
            guard let (stem, part) = Self.split(key) else {
                throw EngineError.lora(path, "unsupported", "Key \"\(key)\" is not a LoRA, LoCon, LoHa, LoKr or .diff key", key: key)
            }
            groups[stem, default: [:]][part] = try file.tensor(named: key)
        }
        guard !groups.isEmpty else {
            throw EngineError.lora(path, "invalid", "The file holds no tensors", key: nil)
        }
        var modules: [Module] = []
        var kinds = Set<Format>()
        for stem in groups.keys.sorted() {
            let parts = groups[stem] ?? [:]
            let (component, moduleName, underscored) = try Self.target(of: stem, path: path)
            let (update, kind) = try Self.update(parts, stem: stem, underscored: underscored, path: path)
            kinds.insert(kind)
            modules.append(Module(key: stem, component: component, name: moduleName, underscored: underscored, update: update))
        }
        self.modules = modules
        format = kinds.count == 1 ? kinds.first! : (kinds == [.kohya, .locon] ? .locon : .mixed)
    }

    /// Key suffixes by the role they play, longest first so `.lora_down.weight` wins over `.weight`.
    static let suffixes: [String] = [
        ".lora_linear_layer.down.weight", ".lora_linear_layer.up.weight", ".lora.down.weight", ".lora.up.weight",
        ".lora_down.weight", ".lora_up.weight", ".lora_A.weight", ".lora_B.weight", ".lora_mid.weight",
        ".hada_w1_a", ".hada_w1_b", ".hada_w2_a", ".hada_w2_b", ".hada_t1", ".hada_t2",
        ".lokr_w1_a", ".lokr_w1_b", ".lokr_w2_a", ".lokr_w2_b", ".lokr_w1", ".lokr_w2", ".lokr_t2",
        ".diff_b", ".diff", ".alpha", ".dora_scale",
    ]

    /// `(stem, role)` for a key, the role being its suffix without the leading dot.
    static func split(_ key: String) -> (String, String)? {
        for suffix in suffixes where key.hasSuffix(suffix) && key.count > suffix.count {
            return (String(key.dropLast(suffix.count)), String(suffix.dropFirst()))
        }
        return nil
    }

    /// The network and module path a key stem names.
    static func target(of stem: String, path: String) throws -> (Component, String, Bool) {
        for (prefix, component) in [("lora_unet_", Component.unet), ("lora_te1_", .textEncoder), ("lora_te2_", .textEncoder2),
                                    ("lora_te_", .textEncoder)] where stem.hasPrefix(prefix) {
            return (component, String(stem.dropFirst(prefix.count)), true)
        }
        for (prefix, component) in [("unet.", Component.unet), ("text_encoder.", .textEncoder), ("text_encoder_2.", .textEncoder2)]
        where stem.hasPrefix(prefix) {
            var name = String(stem.dropFirst(prefix.count))
            // diffusers' attention-processor era: `attn1.processor.to_q_lora` means `attn1.to_q`.
            name = name.replacingOccurrences(of: ".processor.", with: ".")
            for (old, new) in [("to_q_lora", "to_q"), ("to_k_lora", "to_k"), ("to_v_lora", "to_v"), ("to_out_lora", "to_out.0")]
            where name.hasSuffix(old) {
                name = String(name.dropLast(old.count)) + new
            }
            return (component, name, false)
        }
        throw EngineError.lora(path, "unmapped",
                               "Key \"\(stem)\" names no text encoder or UNet module (expected lora_unet_/lora_te_ or unet./text_encoder. names)",
                               key: stem)
    }

    /// The update described by one stem's tensors, and which format it is in.
    static func update(_ parts: [String: Tensor], stem: String, underscored: Bool, path: String) throws -> (Update, Format) {
        func scalar(_ role: String) -> Float? { parts[role].flatMap { $0.data.first } }
        let alpha = scalar("alpha")
        for unsupported in ["lora_mid.weight", "hada_t1", "hada_t2", "lokr_t2", "dora_scale"] where parts[unsupported] != nil {
            throw EngineError.lora(path, "unsupported",
                                   "Key \"\(stem).\(unsupported)\" is a Tucker-decomposed or DoRA update, which this engine does not apply; use a plain LoRA/LoCon/LoHa/LoKr export",
                                   key: stem + "." + unsupported)
        }
        func need(_ role: String) throws -> Tensor {
            guard let t = parts[role] else {
                throw EngineError.lora(path, "invalid", "Key \"\(stem)\" lacks its \"\(role)\" part", key: stem)
            }
            return t
        }
        let pairs = [("lora_up.weight", "lora_down.weight"), ("lora_B.weight", "lora_A.weight"), ("lora.up.weight", "lora.down.weight"),
                     ("lora_linear_layer.up.weight", "lora_linear_layer.down.weight")]
        for (upRole, downRole) in pairs where parts[upRole] != nil || parts[downRole] != nil {
            let up = try need(upRole), down = try need(downRole)
            let kind: Format = !underscored ? .diffusers : (down.shape.count == 4 && down.shape[2] * down.shape[3] > 1 ? .locon : .kohya)
            return (.lowRank(up: up, down: down, alpha: alpha), kind)
        }
        if parts["hada_w1_a"] != nil || parts["hada_w1_b"] != nil || parts["hada_w2_a"] != nil || parts["hada_w2_b"] != nil {
            return (.loha(w1a: try need("hada_w1_a"), w1b: try need("hada_w1_b"), w2a: try need("hada_w2_a"),
                          w2b: try need("hada_w2_b"), alpha: alpha), .loha)
        }
        if parts.keys.contains(where: { $0.hasPrefix("lokr_") }) {
            let update = Update.lokr(w1: parts["lokr_w1"], w1a: parts["lokr_w1_a"], w1b: parts["lokr_w1_b"],
                                     w2: parts["lokr_w2"], w2a: parts["lokr_w2_a"], w2b: parts["lokr_w2_b"], alpha: alpha)
            guard parts["lokr_w1"] != nil || (parts["lokr_w1_a"] != nil && parts["lokr_w1_b"] != nil) else {
                throw EngineError.lora(path, "invalid", "Key \"\(stem)\" lacks lokr_w1 (or lokr_w1_a and lokr_w1_b)", key: stem)
            }
            guard parts["lokr_w2"] != nil || (parts["lokr_w2_a"] != nil && parts["lokr_w2_b"] != nil) else {
                throw EngineError.lora(path, "invalid", "Key \"\(stem)\" lacks lokr_w2 (or lokr_w2_a and lokr_w2_b)", key: stem)
            }
            return (update, .lokr)
        }
        if parts["diff"] != nil || parts["diff_b"] != nil {
            return (.full(diff: parts["diff"], diffBias: parts["diff_b"]), .full)
        }
        throw EngineError.lora(path, "invalid", "Key \"\(stem)\" has only an alpha and no update", key: stem)
    }
}
