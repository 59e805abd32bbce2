import ArtFactoryDefaultModel
import ArtFactoryEngine
import ArtFactoryProtocol
import Foundation
import Glibc

/// The models in `$ARTFACTORY_HOME/models/` (diffusers folders and single `.safetensors` files) and
/// the cache that keeps the last used pipelines' weights in memory.
///
/// The folder is scanned on each call (cheap: one directory listing), so models copied in appear
/// without a restart. Thread-safe: the cache locks itself; scanning touches no shared state.
final class ModelRegistry: @unchecked Sendable {
    /// One model on disk.
    struct Entry: Sendable, Equatable {
        var name: String
        var format: String
        var path: String
        var bytes: Int64
    }

    let modelsDir: String
    let configFile: String
    let cache: ModelCache<StableDiffusionPipeline>
    /// Installs the embedded default model on first start; `scan()` waits for it.
    let installer: DefaultModelInstaller?
    /// The LoRA files beside the models (`$ARTFACTORY_HOME/loras/`) and the warm LoRA-applied pipeline.
    let loras: LoRARegistry

    /// - Parameters:
    ///   - budgetBytes: memory the cache may hold before evicting the least recently used model.
    ///   - installer: started here; listings wait until it has finished.
    init(modelsDir: String, configFile: String, budgetBytes: Int = 8 << 30, installer: DefaultModelInstaller? = nil,
         lorasDir: String? = nil) {
        self.modelsDir = modelsDir
        loras = LoRARegistry(folder: lorasDir ?? (URL(fileURLWithPath: modelsDir).deletingLastPathComponent().path + "/loras"))
        self.configFile = configFile
        self.installer = installer
        installer?.start()
        cache = ModelCache(budgetBytes: budgetBytes, loader: .init(
            estimate: { key in Int(ModelRegistry.size(of: ModelRegistry.path(ofCacheKey: key).path)) },
            load: { key in
                let (path, narrowed) = ModelRegistry.path(ofCacheKey: key)
                var pipeline = try StableDiffusionPipeline.load(path: path, narrowWeightsToBF16: narrowed)
                pipeline.tinyDecoder = ModelRegistry.tinyDecoder(in: modelsDir, sdxl: pipeline.xl != nil)
                return (pipeline, Int(ModelRegistry.size(of: path)))
            }))
    }

    /// Cache keys: a model on the bf16 or int8 path is held with its weights narrowed to bf16, under its
    /// path plus this suffix; on the f32 path its weights stay as the file stores them, under the bare path.
    static let bf16KeySuffix = "#bf16"

    static func cacheKey(_ path: String, compute: ComputePath) -> String {
        compute != .f32 ? path + bf16KeySuffix : path
    }

    static func path(ofCacheKey key: String) -> (path: String, narrowed: Bool) {
        key.hasSuffix(bf16KeySuffix) ? (String(key.dropLast(bf16KeySuffix.count)), true) : (key, false)
    }

    /// A model's precision setting: config.json `modelPrecision[name]`, then `precision`, default `auto`.
    /// - Throws: `invalidParams` naming the setting when config.json holds a value that is not one.
    func precisionSetting(for name: String) throws -> Precision {
        guard let data = FileManager.default.contents(atPath: configFile),
              let value = try? JSONParser().parse(String(decoding: data, as: UTF8.self)) else { return .auto }
        let raw: (String, String)?
        if case .string(let p)? = value["modelPrecision"]?[name] { raw = ("modelPrecision.\(name)", p) }
        else if case .string(let p)? = value["precision"] { raw = ("precision", p) }
        else { raw = nil }
        guard let (key, text) = raw else { return .auto }
        guard let precision = Precision(rawValue: text) else {
            throw RPCError.invalidParams("config.json \(key) is \"\(text)\"; use auto, f32, bf16 or int8", field: "precision")
        }
        return precision
    }

    /// What `requested` (or the model's setting when nil) runs as on this CPU.
    /// - Throws: `invalidParams` when bf16 or int8 is asked for on a CPU without it, saying why and what to use.
    func computePath(for name: String, requested: String?) throws -> ComputePath {
        let precision: Precision
        if let requested {
            guard let p = Precision(rawValue: requested) else {
                throw RPCError.invalidParams("precision must be auto, f32, bf16 or int8 (got \"\(requested)\")", field: "precision")
            }
            precision = p
        } else {
            precision = try precisionSetting(for: name)
        }
        do {
            return try EnginePrecision.resolve(precision)
        } catch let error as EngineError {
            throw RPCError.invalidParams(error.message, field: "precision")
        }
    }

    /// Every model found, sorted by name.
    func scan() -> [Entry] {
        installer?.wait()
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: modelsDir) else { return [] }
        var entries: [Entry] = []
        // taesd*/taesdxl* are tiny decoders attached to the models they fit, not models of their own.
        for name in names where !name.hasPrefix(".") && !name.lowercased().hasPrefix("taesd") {
            let path = modelsDir + "/" + name
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            if isDir.boolValue, fm.fileExists(atPath: path + "/model_index.json") {
                entries.append(Entry(name: name, format: "diffusers", path: path, bytes: Self.size(of: path)))
            } else if !isDir.boolValue, name.hasSuffix(".safetensors") {
                entries.append(Entry(name: String(name.dropLast(".safetensors".count)), format: "safetensors",
                                     path: path, bytes: Self.size(of: path)))
            }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// The configured default (`defaultModel` in config.json) when present, else the embedded
    /// `artfactory-shapes` when installed, else the only or first model.
    func defaultModel(among entries: [Entry]) -> String? {
        if let data = FileManager.default.contents(atPath: configFile),
           let value = try? JSONParser().parse(String(decoding: data, as: UTF8.self)),
           case .string(let name)? = value["defaultModel"] {
            return name
        }
        if entries.contains(where: { $0.name == DefaultModel.name }) { return DefaultModel.name }
        return entries.first?.name
    }

    /// The refiner an SDXL base uses by default (Ultra): config.json `modelRefiner.<base>` when set
    /// (`none` = no refiner), else the only `sdxl-refiner` model installed, else none.
    /// - Throws: `invalidParams` when the setting names a model that is missing or not a refiner.
    func defaultRefiner(for base: Entry) throws -> Entry? {
        if let data = FileManager.default.contents(atPath: configFile),
           let value = try? JSONParser().parse(String(decoding: data, as: UTF8.self)),
           case .string(let name)? = value["modelRefiner"]?[base.name] {
            if name == "none" { return nil }
            return try refiner(named: name, setting: "config.json modelRefiner.\(base.name)")
        }
        let refiners = scan().filter { Self.family(of: $0) == .sdxlRefiner }
        return refiners.count == 1 ? refiners[0] : nil
    }

    /// The installed SDXL refiner called `name`.
    /// - Throws: `notFound` for an unknown model; `invalidParams` for a model that is not a refiner.
    func refiner(named name: String, setting: String = "refiner") throws -> Entry {
        let entry = try resolve(name)
        guard Self.family(of: entry) == .sdxlRefiner else {
            let refiners = scan().filter { Self.family(of: $0) == .sdxlRefiner }.map(\.name)
            throw RPCError.invalidParams("\(setting): '\(name)' is not an SDXL refiner (its family is \(Self.family(of: entry)?.rawValue ?? "unknown")); installed refiners: \(refiners.isEmpty ? "none" : refiners.joined(separator: ", "))",
                                         field: "refiner")
        }
        return entry
    }

    /// The model called `name`, or the default model when `name` is nil.
    /// - Throws: `notFound` naming the models that exist; `unavailable` when there are none.
    func resolve(_ name: String?) throws -> Entry {
        let entries = scan()
        guard let wanted = name ?? defaultModel(among: entries) else {
            throw RPCError(code: RPCErrorCode.unavailable,
                           message: "No model is installed: copy a diffusers folder or a .safetensors file into \(modelsDir), then try again.",
                           data: ["kind": "unavailable"])
        }
        guard let entry = entries.first(where: { $0.name == wanted }) else {
            let known = entries.map(\.name).joined(separator: ", ")
            throw RPCError(code: RPCErrorCode.notFound,
                           message: "Unknown model '\(wanted)'. Installed: \(known.isEmpty ? "none" : known) (see `artfactory models list`).",
                           data: ["kind": "notFound", "object": "model", "id": .string(wanted)])
        }
        return entry
    }

    /// The loaded pipeline for `entry` (from the cache, or loaded now).
    func pipeline(_ entry: Entry) throws -> StableDiffusionPipeline {
        try cache.value(for: Self.cacheKey(entry.path, compute: (try? computePath(for: entry.name, requested: nil)) ?? .f32))
    }

    /// Whether the model is in memory (on either path).
    func isResident(_ path: String) -> Bool {
        let keys = Set(cache.residentKeys)
        return keys.contains(path) || keys.contains(path + Self.bf16KeySuffix)
    }

    /// Drops the model from memory on both paths; whether anything was held.
    @discardableResult
    func unload(_ path: String) -> Bool {
        let a = cache.unload(path), b = cache.unload(path + Self.bf16KeySuffix)
        return a || b
    }

    /// The image size a model was trained at, the default when a request names none: for a diffusers
    /// folder the UNet's `sample_size` times the VAE's downsampling (2^(blocks − 1)); 512 otherwise
    /// (Stable Diffusion 1.x single files) or when the configs cannot be read.
    static func nativeSize(of entry: Entry) -> Int {
        guard entry.format == "diffusers" else { return family(of: entry)?.nativeSize ?? 512 }
        func config(_ sub: String) -> JSONValue? {
            guard let data = FileManager.default.contents(atPath: entry.path + "/" + sub + "/config.json") else { return nil }
            return try? JSONParser().parse(String(decoding: data, as: UTF8.self))
        }
        guard let sample = config("unet")?["sample_size"]?.intValue else { return 512 }
        var factor = 8
        if let blocks = config("vae")?["block_out_channels"]?.arrayValue, !blocks.isEmpty {
            factor = 1 << (blocks.count - 1)
        }
        let size = Int(sample) * factor
        return (64...2048).contains(size) && size % 8 == 0 ? size : 512
    }

    /// The model's family (sd1, sd2, sdxl, sdxl-refiner, turbo) from its configs or header; nil when
    /// it cannot be told (the load then reports why).
    static func family(of entry: Entry) -> ModelFamily? {
        entry.format == "remote" ? nil : try? ModelFamily.detect(path: entry.path)
    }

    /// The tiny decoder in `modelsDir` that fits a model's latents: `taesdxl*` for SDXL, `taesd*` (not
    /// taesdxl) otherwise; a diffusers folder or an original `*_decoder.safetensors` file. nil if none
    /// loads (previews then use the linear approximation, Draft the full VAE).
    static func tinyDecoder(in modelsDir: String, sdxl: Bool) -> AutoencoderTiny? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: modelsDir) else { return nil }
        let fitting = names.filter { name in
            let lower = name.lowercased()
            return sdxl ? lower.hasPrefix("taesdxl") : lower.hasPrefix("taesd") && !lower.hasPrefix("taesdxl")
        }.sorted()
        for name in fitting {
            if let decoder = try? AutoencoderTiny(path: modelsDir + "/" + name) { return decoder }
        }
        return nil
    }

    /// Bytes of a file, or of every file under a folder. Symbolic links count as what they point to
    /// (a Hugging Face cache snapshot is a folder of links to blobs), not as the few bytes of the link.
    static func size(of path: String) -> Int64 {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { return 0 }
        func regularFileBytes(_ file: String) -> Int64 {
            var st = stat()
            guard stat(file, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return 0 }  // follows links
            return Int64(st.st_size)
        }
        if !isDir.boolValue { return regularFileBytes(path) }
        let root = URL(fileURLWithPath: path).resolvingSymlinksInPath().path  // the folder itself may be a link
        var total: Int64 = 0
        if let walker = fm.enumerator(atPath: root) {
            while let rel = walker.nextObject() as? String {
                total += regularFileBytes(root + "/" + rel)
            }
        }
        return total
    }
}
