import Foundation

/// Keeps loaded models warm within a memory budget, evicting the least recently used first.
///
/// Before loading, the cache asks for the model's estimated size and evicts until it fits, so a
/// second model never pushes the process past the budget; a model larger than the whole budget is
/// refused with `cache.overBudget`. Thread-safe: calls are serialised by a lock, which is held while
/// a model loads (the daemon loads one model at a time anyway).
public final class ModelCache<Value: Sendable>: @unchecked Sendable {
    /// How a cache entry is produced.
    public struct Loader: Sendable {
        /// Bytes the model will occupy once loaded, computed cheaply (e.g. from file headers).
        public var estimate: @Sendable (String) throws -> Int
        /// Loads the model and returns it with its actual resident size in bytes.
        public var load: @Sendable (String) throws -> (value: Value, bytes: Int)

        public init(estimate: @escaping @Sendable (String) throws -> Int,
                    load: @escaping @Sendable (String) throws -> (value: Value, bytes: Int)) {
            self.estimate = estimate
            self.load = load
        }
    }

    /// Counters since creation.
    public struct Statistics: Sendable, Equatable {
        public var hits = 0, loads = 0, evictions = 0
    }

    /// The most bytes of models kept resident.
    public let budgetBytes: Int
    private let loader: Loader
    private let lock = NSLock()
    private var entries: [String: (value: Value, bytes: Int)] = [:]
    private var recency: [String] = []  // most recent last
    private var stats = Statistics()

    public init(budgetBytes: Int, loader: Loader) {
        self.budgetBytes = budgetBytes
        self.loader = loader
    }

    /// The model at `key`, loading it (after evicting others as needed) if it is not resident.
    /// - Throws: `EngineError` (`cache.overBudget`) or whatever loading throws.
    public func value(for key: String) throws -> Value {
        try lock.withLock {
            if let entry = entries[key] {
                touch(key)
                stats.hits += 1
                return entry.value
            }
            let estimate = try loader.estimate(key)
            guard estimate <= budgetBytes else {
                throw EngineError(code: "cache.overBudget",
                                  message: "The model needs about \(estimate >> 20) MiB but the model memory budget is \(budgetBytes >> 20) MiB; raise the budget or use a smaller model.",
                                  path: key)
            }
            evict(toFit: estimate)
            let loaded = try loader.load(key)
            entries[key] = loaded
            recency.append(key)
            stats.loads += 1
            evict(toFit: 0)  // the estimate may have been low
            return loaded.value
        }
    }

    /// Runs `body` on the resident value at `key` with the cache's own reference moved out meanwhile, so
    /// a value nobody else holds is changed where it is (no copy-on-write copy of its arrays); the result
    /// replaces it. The lock is held throughout: other lookups wait. Returns nil when `key` is not resident.
    public func update<R>(_ key: String, _ body: (inout Value) throws -> R) rethrows -> R? {
        try lock.withLock {
            guard var entry = entries.removeValue(forKey: key) else { return nil }
            defer { entries[key] = entry }
            return try body(&entry.value)
        }
    }

    /// `body` applied to the resident value at `key` without keeping a copy of it; nil when not resident.
    public func inspect<T>(_ key: String, _ body: (Value) -> T) -> T? {
        lock.withLock { entries[key].map { body($0.value) } }
    }

    /// Drops a model; returns whether it was resident.
    @discardableResult
    public func unload(_ key: String) -> Bool {
        lock.withLock {
            guard entries.removeValue(forKey: key) != nil else { return false }
            recency.removeAll { $0 == key }
            return true
        }
    }

    /// Drops every model.
    public func unloadAll() {
        lock.withLock {
            entries.removeAll()
            recency.removeAll()
        }
    }

    /// Resident keys, most recently used first.
    public var residentKeys: [String] { lock.withLock { recency.reversed() } }

    /// Bytes of resident models.
    public var residentBytes: Int { lock.withLock { entries.values.reduce(0) { $0 + $1.bytes } } }

    /// Hit/load/eviction counters.
    public var statistics: Statistics { lock.withLock { stats } }

    private func touch(_ key: String) {
        recency.removeAll { $0 == key }
        recency.append(key)
    }

    /// Evicts least recently used entries until `incoming` more bytes fit (keeping the newest entry).
    private func evict(toFit incoming: Int) {
        var resident = entries.values.reduce(0) { $0 + $1.bytes }
        while resident + incoming > budgetBytes, recency.count > (incoming == 0 ? 1 : 0) {
            let oldest = recency.removeFirst()
            resident -= entries.removeValue(forKey: oldest)?.bytes ?? 0
            stats.evictions += 1
        }
    }
}

extension ModelCache where Value == StableDiffusionModels {
    /// A cache of Stable Diffusion checkpoints (folders or single files) keyed by path.
    public convenience init(budgetBytes: Int) {
        self.init(budgetBytes: budgetBytes, loader: Loader(
            estimate: { try StableDiffusionModels.estimatedBytes(at: $0) },
            load: { path in
                let models = try StableDiffusionModels.load(from: path)
                return (models, models.byteCount)
            }))
    }
}

extension StableDiffusionModels {
    /// Bytes the networks at `path` will occupy with their weights held as stored (f16/bf16 two bytes a
    /// value, f32 four), from the safetensors headers alone.
    public static func estimatedBytes(at path: String) throws -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EngineError.missingFile(path, what: "The model")
        }
        // Layer weights (linear and convolution kernels) and the token embedding table keep their stored
        // width; norms, biases and the position embedding tables are widened to f32.
        func held(_ name: String, _ entry: SafeTensorsFile.Entry) -> Int {
            let layer = entry.shape.count >= 2 && name.hasSuffix(".weight")
                && !["position_embedding", "positional_embedding"].contains(where: name.contains)
            return entry.shape.reduce(1, *) * (layer ? entry.dtype.size : 4)
        }
        func elements(_ file: SafeTensorsFile) -> Int { file.entries.reduce(0) { $0 + held($1.key, $1.value) } }
        if !isDirectory.boolValue { return elements(try SafeTensorsFile(path: path)) }
        var total = 0
        for (component, names) in [("unet", ["diffusion_pytorch_model"]), ("vae", ["diffusion_pytorch_model"]), ("text_encoder", ["model"]),
                                   ("text_encoder_2", ["model"])] {
            let dir = (path as NSString).appendingPathComponent(component)
            if component == "text_encoder_2", !FileManager.default.fileExists(atPath: dir) { continue }
            total += elements(try SafeTensorsFile(path: try ComponentFiles.weightsPath(in: dir, names: names + ["model"])))
        }
        return total
    }
}
