import CEngineKernels

/// Named weights for one model, read from one or more safetensors files, possibly under other names
/// (a single-file checkpoint's keys are renamed to diffusers module names by `CheckpointKeyMap`).
///
/// Models ask for each weight with the shape their configuration implies; a missing or differently
/// shaped weight is an `EngineError` naming the file, so a wrong file is reported rather than crashing.
public struct WeightSource: Sendable {
    struct Location: Sendable {
        let file: SafeTensorsFile
        let key: String
        /// When set, only these rows (outermost dimension) of the stored tensor.
        var rows: Range<Int>? = nil
        /// The stored 2-D tensor is the transpose of the weight (OpenCLIP's `text_projection`, used as x @ P).
        var transposed = false
    }

    private let locations: [String: Location]
    private let prefix: String
    /// Path reported in errors.
    public let path: String

    /// All tensors of the given files under their own names.
    public init(files: [SafeTensorsFile]) {
        var locations: [String: Location] = [:]
        for file in files {
            for name in file.entries.keys { locations[name] = Location(file: file, key: name) }
        }
        self.init(locations: locations, prefix: "", path: files.map(\.path).joined(separator: ", "))
    }

    /// Tensors of `file` renamed: `names[diffusersName] = (keyInFile, rows)`.
    init(file: SafeTensorsFile, renamed names: [String: (key: String, rows: Range<Int>?)], transposed: Set<String> = []) {
        var locations: [String: Location] = [:]
        for (name, source) in names where file.entries[source.key] != nil {
            locations[name] = Location(file: file, key: source.key, rows: source.rows, transposed: transposed.contains(name))
        }
        self.init(locations: locations, prefix: "", path: file.path)
    }

    private init(locations: [String: Location], prefix: String, path: String) {
        self.locations = locations
        self.prefix = prefix
        self.path = path
    }

    /// The same weights seen under `prefix.` (e.g. `down_blocks.0`).
    public func scoped(_ component: String) -> WeightSource {
        WeightSource(locations: locations, prefix: prefix + component + ".", path: path)
    }

    /// Whether a weight exists (relative to the current scope).
    public func contains(_ name: String) -> Bool { locations[prefix + name] != nil }

    /// Full names of every weight, for diagnostics.
    public var allNames: [String] { locations.keys.sorted() }

    /// Removes a leading component from every name (e.g. `text_model.`), keeping names without it.
    public func strippingPrefix(_ leading: String) -> WeightSource {
        var stripped: [String: Location] = [:]
        for (name, location) in locations {
            let short = name.hasPrefix(leading) ? String(name.dropFirst(leading.count)) : name
            stripped[short] = location
        }
        return WeightSource(locations: stripped, prefix: prefix, path: path)
    }

    /// Reads a weight and checks its shape (a `[n, m, 1, 1]` tensor also satisfies `[n, m]`, as
    /// old checkpoints store linear projections as 1x1 convolutions).
    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        let full = prefix + name
        guard let location = locations[full] else {
            throw EngineError.weightMismatch(path, "Weight \"\(full)\" is missing")
        }
        var value = try location.file.tensor(named: location.key)
        if let rows = location.rows {
            guard let outer = value.shape.first, rows.upperBound <= outer else {
                throw EngineError.weightMismatch(path, "Weight \"\(location.key)\" is too small to split")
            }
            value = value.slice(batch: rows.lowerBound, count: rows.count)
        }
        if location.transposed, value.rank == 2 {
            let (r, c) = (value.shape[0], value.shape[1])
            var t = Tensor(shape: [c, r])
            for i in 0..<r { for j in 0..<c { t.data[j * r + i] = value.data[i * c + j] } }
            value = t
        }
        if value.shape == shape { return value }
        if value.count == shape.reduce(1, *), value.shape.filter({ $0 != 1 }) == shape.filter({ $0 != 1 }) {
            return Tensor(shape: shape, data: value.data)
        }
        throw EngineError.weightMismatch(path, "Weight \"\(full)\" has shape \(value.shape), expected \(shape)")
    }

    /// Reads a layer weight in the precision it is kept in memory: as stored (f16/bf16 stay 16-bit, half
    /// the bytes of f32), or narrowed to bf16 while `EnginePrecision.withWeights(narrowedToBF16: true)` is in
    /// effect. Shapes are checked as in `tensor(_:shape:)`.
    func matrix(_ name: String, shape: [Int]) throws -> WeightMatrix {
        let full = prefix + name
        guard let location = locations[full] else {
            throw EngineError.weightMismatch(path, "Weight \"\(full)\" is missing")
        }
        let policy = EnginePrecision.weightPolicy
        let narrow = policy == .bf16
        if policy != .f32, !location.transposed, let stored = self.shape(of: name),
           stored.reduce(1, *) == shape.reduce(1, *), stored == shape || stored.filter({ $0 != 1 }) == shape.filter({ $0 != 1 }) {
            var elements: Range<Int>? = nil
            if let rows = location.rows, let entry = location.file.entries[location.key] {
                let perRow = entry.shape.dropFirst().reduce(1, *)
                elements = rows.lowerBound * perRow ..< rows.upperBound * perRow
            }
            if let half = try location.file.halfBits(named: location.key, elements: elements) {
                switch half.dtype {
                case .bf16: return WeightMatrix(storage: .bf16(half.bits))
                case .f16:
                    if !narrow { return WeightMatrix(storage: .f16(half.bits)) }
                    var out = [UInt16](repeating: 0, count: half.bits.count)
                    half.bits.withUnsafeBufferPointer { s in
                        out.withUnsafeMutableBufferPointer { d in afk_f16_to_bf16(s.baseAddress!, d.baseAddress!, s.count) }
                    }
                    return WeightMatrix(storage: .bf16(out))
                case .f32: break
                }
            }
        }
        let values = try tensor(name, shape: shape).data
        return narrow ? WeightMatrix(values, as: .bf16) : WeightMatrix(values)
    }

    /// Reads a weight as a flat array after checking its shape.
    public func values(_ name: String, shape: [Int]) throws -> [Float] {
        try tensor(name, shape: shape).data
    }

    /// The stored shape of a weight, or nil when absent.
    public func shape(of name: String) -> [Int]? {
        guard let location = locations[prefix + name], var shape = location.file.entries[location.key]?.shape else { return nil }
        if let rows = location.rows, !shape.isEmpty { shape[0] = rows.count }
        return location.transposed && shape.count == 2 ? shape.reversed() : shape
    }
}
