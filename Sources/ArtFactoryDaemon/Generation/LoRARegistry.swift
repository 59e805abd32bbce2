import ArtFactoryEngine
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation
import Glibc

/// The LoRA files in `$ARTFACTORY_HOME/loras/` (`.safetensors`, symbolic links followed, like models)
/// and the LoRA set merged into each warm pipeline.
///
/// Parsed files are cached by path, size and modification time, so a queue of requests reads each
/// file once. A warm pipeline carries the label of the LoRA set merged into it (model path, names,
/// weights and file hashes): a queue of requests sharing a LoRA set merges once; another set, or
/// none, undoes it exactly first. Thread-safe (a lock); merging runs on the calling worker thread
/// under the model cache's lock.
final class LoRARegistry: @unchecked Sendable {
    /// One LoRA on disk.
    struct Entry: Sendable, Equatable {
        var name: String
        var path: String
        var bytes: Int64
    }

    /// A parsed file and its A1111 short hash.
    struct Loaded: Sendable {
        var file: LoRAFile
        var hash: String
    }

    let folder: String
    private let lock = NSLock()
    private var files: [String: (stamp: String, loaded: Loaded)] = [:]
    private var switches = 0, restoreFailures = 0

    init(folder: String) {
        self.folder = folder
    }

    /// Every LoRA file found, sorted by name.
    func scan() -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { !$0.hasPrefix(".") && $0.hasSuffix(".safetensors") }.compactMap { name -> Entry? in
            let path = folder + "/" + name
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }  // follows links
            return Entry(name: String(name.dropLast(".safetensors".count)), path: path, bytes: Int64(st.st_size))
        }.sorted { $0.name < $1.name }
    }

    /// The LoRA called `name`.
    /// - Throws: `notFound` naming the LoRAs that exist.
    func resolve(_ name: String) throws -> Entry {
        let entries = scan()
        guard let entry = entries.first(where: { $0.name == name }) else {
            let known = entries.map(\.name).joined(separator: ", ")
            throw RPCError(code: RPCErrorCode.notFound,
                           message: "Unknown LoRA '\(name)'. Installed: \(known.isEmpty ? "none" : known) (see `artfactory loras list`; copy or link .safetensors files into \(folder)).",
                           data: ["kind": "notFound", "object": "lora", "id": .string(name)])
        }
        return entry
    }

    /// The parsed file (cached while its size and modification time stay the same).
    /// - Throws: `invalidFile` with the engine's message naming the file and first offending key.
    func load(_ entry: Entry) throws -> Loaded {
        var st = stat()
        let stamp = stat(entry.path, &st) == 0 ? "\(st.st_size):\(st.st_mtim.tv_sec):\(st.st_mtim.tv_nsec)" : ""
        if let hit = lock.withLock({ files[entry.path] }), hit.stamp == stamp { return hit.loaded }
        do {
            let file = try LoRAFile(path: entry.path)
            let loaded = Loaded(file: file, hash: try Self.shortHash(entry.path))
            lock.withLock { files[entry.path] = (stamp, loaded) }
            return loaded
        } catch let e as EngineError {
            throw RPCError(code: RPCErrorCode.invalidFile, message: "LoRA '\(entry.name)' cannot be used: \(e.message)",
                           data: ["kind": "invalidFile", "path": .string(entry.path), "code": .string(e.code),
                                  "detail": .string(e.cause ?? "")])
        }
    }

    /// A1111's `Lora hashes` value for a file: the first 12 hex digits of the SHA-256 of everything after
    /// the safetensors header (the "AddNet" hash, which ignores metadata edits).
    static func shortHash(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        guard data.count >= 8 else { return SHA256.hex(data).prefix(12).lowercased() }
        let length = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let start = Int(min(UInt64(data.count), 8 + length))
        return String(SHA256.hex(data.subdata(in: start..<data.count)).prefix(12))
    }

    /// Checks names and weights and adds each LoRA's hash: what a generation records.
    /// - Throws: `notFound` for an unknown name, `invalidParams` for a weight out of range, `invalidFile`.
    func resolveUses(_ uses: [GenerationSpec.LoRAUse]) throws -> [GenerationSpec.LoRAUse] {
        try uses.map { use in
            guard LoRAWeight.range.contains(use.weight), use.weight.isFinite else {
                throw RPCError.invalidParams("the weight of LoRA '\(use.name)' must be between -10 and 10 (got \(use.weight))", field: "loras")
            }
            var resolved = use
            resolved.hash = try load(try resolve(use.name)).hash
            return resolved
        }
    }

    /// Checks that every LoRA in `uses` fits `pipeline`'s layers, merging nothing.
    /// - Throws: `invalidFile` naming the file and first offending key (a LoRA for another base model).
    func validate(_ uses: [GenerationSpec.LoRAUse], against pipeline: StableDiffusionPipeline) throws {
        let names = uses.reduce(into: [String]()) { if !$0.contains($1.name) { $0.append($1.name) } }
        do {
            try pipeline.validateLoRAs(try names.map { LoRASelection(file: try load(try resolve($0)).file) })
        } catch let e as EngineError {
            throw Self.notApplicable(e, folder: folder)
        }
    }

    static func notApplicable(_ e: EngineError, folder: String) -> RPCError {
        RPCError(code: RPCErrorCode.invalidFile, message: "The LoRAs cannot be applied to this model: \(e.message)",
                 data: ["kind": "invalidFile", "path": .string(e.path ?? folder), "code": .string(e.code), "detail": .string(e.cause ?? "")])
    }

    /// The warm pipeline at `cacheKey` with exactly `uses` merged into its weights (names summed when
    /// repeated), or with none when `uses` is empty.
    ///
    /// The LoRAs are merged into the cached pipeline in place (``StableDiffusionPipeline/mergeLoRAs(_:label:)``):
    /// a queue of requests sharing a LoRA set merges once; a request with another set (or none) first
    /// undoes the merged one exactly, so a request without LoRAs is bit-identical to one made before any
    /// LoRA was used, and no second copy of the weights is ever held. Callers must not keep the returned
    /// value past their request: a copy alive during the next switch makes Swift copy the layers it
    /// writes. Switches happen on the engine lane, one job at a time.
    /// - Throws: `notFound` / `invalidFile` for a LoRA that cannot be used; what loading the model throws.
    func pipeline(cache: ModelCache<StableDiffusionPipeline>, cacheKey: String, uses: [GenerationSpec.LoRAUse]) throws -> StableDiffusionPipeline {
        var combined: [(name: String, weight: Double)] = []
        for use in uses {
            if let i = combined.firstIndex(where: { $0.name == use.name }) { combined[i].weight += use.weight } else { combined.append((use.name, use.weight)) }
        }
        combined.removeAll { $0.weight == 0 }
        let loaded = try combined.map { (try load(try resolve($0.name)), $0.weight) }
        let label: String? = combined.isEmpty ? nil
            : cacheKey + "|" + zip(combined, loaded).map { "\($0.0.name)@\($0.0.weight)#\($0.1.0.hash)" }.joined(separator: ",")
        _ = try cache.value(for: cacheKey)  // loads the model when it is not resident
        if cache.inspect(cacheKey, { $0.loraMerge?.label }) == .some(label) { return try cache.value(for: cacheKey) }
        let selections = loaded.map { LoRASelection(file: $0.0.file, weight: Float($0.1)) }
        var intact = true
        do {
            try cache.update(cacheKey) { pipeline in
                if pipeline.loraMerge != nil { intact = try pipeline.unmergeLoRAs() }
                if intact, let label { try pipeline.mergeLoRAs(selections, label: label) }
            }
        } catch let e as EngineError {
            throw Self.notApplicable(e, folder: folder)
        }
        if !intact {
            // The undo did not give back the weights as loaded (it never should): reload them from disk.
            lock.withLock { restoreFailures += 1 }
            cache.unload(cacheKey)
            return try pipeline(cache: cache, cacheKey: cacheKey, uses: uses)
        }
        lock.withLock { switches += 1 }
        return try cache.value(for: cacheKey)
    }

    /// LoRA-set changes of warm pipelines, and undos that had to reload the model instead (expected 0).
    var statistics: (switches: Int, restoreFailures: Int) { lock.withLock { (switches, restoreFailures) } }

    /// What `loras.list` answers.
    func list() -> LorasList.Result {
        let loras = scan().map { entry -> LorasList.LoRA in
            do {
                let loaded = try load(entry)
                let s = loaded.file.summary
                return LorasList.LoRA(name: entry.name, path: entry.path, bytes: entry.bytes, format: loaded.file.format.rawValue,
                                      baseModel: s.baseFamily, rank: s.rank, modules: s.modules, layerKinds: s.layerKinds,
                                      triggerWords: s.triggerWords, hash: loaded.hash)
            } catch {
                return LorasList.LoRA(name: entry.name, path: entry.path, bytes: entry.bytes, error: (error as? RPCError)?.message ?? "\(error)")
            }
        }
        return LorasList.Result(loras: loras, folder: folder)
    }
}
