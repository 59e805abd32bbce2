import CEngineKernels
import Foundation

/// What merging LoRAs into a pipeline's weights changed, kept so that the merge can be undone bit for bit.
///
/// Merging adds `ΔW` to each patched layer's weights where they are (in their stored precision) instead
/// of copying the layer. Undoing recomputes the same `ΔW` and subtracts it; where that subtraction
/// would not give back the original bits (the addition rounded, or crossed a power of two), the merge
/// recorded the original value, and those are put back afterwards. Original biases are kept when a
/// LoRA changes them (full-rank `.diff_b`), and every patched layer's fingerprint is checked after the
/// undo. For a LoRA over most of SD 1.5 the record is a few percent of the patched layers' bytes,
/// against a whole second copy of them for a copy-on-write merge.
public struct LoRAMergeRecord: Sendable {
    /// The caller's name for the merged set (the daemon uses its warm key: model, names, weights, hashes).
    public let label: String
    /// Layers patched.
    public var patchedLayers: Int { layers.count }
    /// Bytes this record holds to make the undo exact: recorded originals and biases.
    public var undoBytes: Int {
        layers.reduce(0) { $0 + $1.recorded.bytes + ($1.bias?.count ?? 0) * 4 }
    }
    /// Values whose original bits the undo puts back from the record, and all values patched.
    public var recordedValues: Int { layers.reduce(0) { $0 + $1.recorded.count } }
    public var patchedValues: Int { layers.reduce(0) { $0 + $1.count } }

    enum Network: Sendable, CaseIterable { case textEncoder, textEncoder2, unet }

    struct Layer: Sendable {
        let network: Network
        let path: String
        let shape: [Int]
        let count: Int
        let updates: [LoRAMerger.Planned]
        let recorded: RecordedValues
        /// The original bias, when an update changes it.
        var bias: [Float]?
        /// ``WeightMatrix/fingerprint`` before the merge.
        let fingerprint: UInt64
    }

    var layers: [Layer]
}

/// A stand-in held by the pipeline while its networks are being patched, so that the networks'
/// weight arrays are referenced once and are written where they are.
private struct DetachedNetwork: TextEncoding, NoisePredicting, PenultimateTextEncoding {
    var hiddenSize: Int { 0 }
    var projectionSize: Int? { nil }
    func encodePenultimate(tokenIDs: [[Int32]], clipSkip: Int) throws -> (hiddenStates: Tensor, pooled: Tensor?) {
        throw EngineError(code: "lora.busy", message: "The text encoder is being patched with LoRAs.")
    }
    var inChannels: Int { 0 }
    var outChannels: Int { 0 }
    func encode(tokenIDs: [[Int32]], clipSkip: Int) throws -> Tensor {
        throw EngineError(code: "lora.busy", message: "The text encoder is being patched with LoRAs.")
    }
    func predict(sample: Tensor, timestep: Float, context: Tensor) throws -> Tensor {
        throw EngineError(code: "lora.busy", message: "The UNet is being patched with LoRAs.")
    }
}

extension StableDiffusionPipeline {
    /// Merges `loras` into this pipeline's text encoder and UNet weights in place, recording what an
    /// exact undo needs in ``loraMerge`` (labelled `label`).
    ///
    /// When this value holds the only reference to its weights (the daemon's warm model), nothing is
    /// copied; otherwise Swift's copy-on-write copies the layers written, and other copies keep the
    /// original weights. Every key is resolved and shape-checked before anything is written, so a bad
    /// file leaves the pipeline as it was.
    /// - Throws: `lora.alreadyMerged` when LoRAs are merged already (call ``unmergeLoRAs()`` first);
    ///   `lora.unsupportedModel`; what ``validateLoRAs(_:)`` throws.
    public mutating func mergeLoRAs(_ loras: [LoRASelection], label: String) throws {
        guard loraMerge == nil else {
            throw EngineError(code: "lora.alreadyMerged", message: "LoRAs are already merged into this pipeline; undo them first.")
        }
        let checked = try loraNetworks()
        let plans = try LoRAMerger.plan(loras, textEncoder: checked.textEncoder, textEncoder2: checked.textEncoder2, unet: checked.unet)
        _ = consume checked
        var networks = try detachNetworks()
        defer { attach(networks) }
        var layers: [LoRAMergeRecord.Layer] = []
        func visitor(_ plan: [String: [LoRAMerger.Planned]], _ network: LoRAMergeRecord.Network) -> ModuleWeightVisitor {
            { path, shape, weight, bias in
                guard let updates = plan[path]?.filter({ $0.multiplier != 0 }), !updates.isEmpty else { return }
                let fingerprint = weight.fingerprint
                let changesBias = updates.contains { if case .full(_, let b) = $0.update { b != nil } else { false } }
                let originalBias = changesBias ? bias : nil
                var delta = Self.delta(updates, shape: shape, count: weight.count, bias: &bias)
                let (index, bits) = delta.withUnsafeMutableBufferPointer { weight.mergeInPlace($0.baseAddress!) }
                layers.append(LoRAMergeRecord.Layer(network: network, path: path, shape: shape, count: weight.count,
                                                    updates: updates,
                                                    recorded: RecordedValues(index: index, bits: bits, half: weight.kind != .f32),
                                                    bias: originalBias, fingerprint: fingerprint))
            }
        }
        if !plans.textEncoder.isEmpty { try networks.textEncoder.visitWeights(visitor(plans.textEncoder, .textEncoder)) }
        if !plans.textEncoder2.isEmpty { try networks.textEncoder2?.visitWeights(visitor(plans.textEncoder2, .textEncoder2)) }
        if !plans.unet.isEmpty { try networks.unet.visitWeights(visitor(plans.unet, .unet)) }
        loraMerge = LoRAMergeRecord(label: label, layers: layers)
    }

    /// Undoes ``mergeLoRAs(_:label:)``: afterwards every weight has the bits it had before the merge.
    /// - Returns: `false` when a restored layer's fingerprint differs from the one taken before the merge
    ///   (the caller should reload the model from disk); `true` otherwise, and when nothing was merged.
    @discardableResult
    public mutating func unmergeLoRAs() throws -> Bool {
        guard let record = loraMerge else { return true }
        var networks = try detachNetworks()
        defer { attach(networks) }
        var intact = true
        func visitor(_ network: LoRAMergeRecord.Network) -> ModuleWeightVisitor {
            var byPath: [String: LoRAMergeRecord.Layer] = [:]
            for layer in record.layers where layer.network == network { byPath[layer.path] = layer }
            return { path, shape, weight, bias in
                guard let layer = byPath[path] else { return }
                var scratchBias: [Float]? = nil
                var delta = Self.delta(layer.updates, shape: shape, count: weight.count, bias: &scratchBias)
                delta.withUnsafeMutableBufferPointer { weight.undoInPlace($0.baseAddress!, restoring: layer.recorded) }
                if let original = layer.bias { bias = original }
                if weight.fingerprint != layer.fingerprint { intact = false }
            }
        }
        func touched(_ network: LoRAMergeRecord.Network) -> Bool { record.layers.contains { $0.network == network } }
        if touched(.textEncoder) { try networks.textEncoder.visitWeights(visitor(.textEncoder)) }
        if touched(.textEncoder2) { try networks.textEncoder2?.visitWeights(visitor(.textEncoder2)) }
        if touched(.unet) { try networks.unet.visitWeights(visitor(.unet)) }
        loraMerge = nil
        return intact
    }

    /// The networks LoRAs patch: the text encoder (SDXL's first), SDXL's second, and the UNet.
    struct LoRANetworks {
        var textEncoder: CLIPTextModel
        var textEncoder2: CLIPTextModel?
        var unet: UNet2DConditionModel
    }

    func loraNetworks() throws -> LoRANetworks {
        guard let te = textEncoder as? CLIPTextModel, let un = unet as? UNet2DConditionModel else {
            throw EngineError(code: "lora.unsupportedModel", message: "LoRAs can only be applied to the engine's own Stable Diffusion models.")
        }
        guard let xl else { return LoRANetworks(textEncoder: te, textEncoder2: nil, unet: un) }
        guard !xl.isRefiner else {
            throw EngineError(code: "lora.unsupportedModel", message: "LoRAs apply to the base model; an SDXL refiner runs without them.")
        }
        guard let te2 = xl.textEncoder2 as? CLIPTextModel, xl.textEncoder is CLIPTextModel else {
            throw EngineError(code: "lora.unsupportedModel", message: "LoRAs can only be applied to the engine's own SDXL text encoders.")
        }
        return LoRANetworks(textEncoder: te, textEncoder2: te2, unet: un)
    }

    /// The networks, moved out with stand-ins left in their places, so that their weight arrays are
    /// referenced once (by the result) and are written where they are.
    private mutating func detachNetworks() throws -> LoRANetworks {
        let networks = try loraNetworks()
        textEncoder = DetachedNetwork()
        unet = DetachedNetwork()
        if xl != nil {
            xl!.textEncoder = DetachedNetwork()
            xl!.textEncoder2 = DetachedNetwork()
        }
        return networks
    }

    /// Puts the networks back (SDXL's first text encoder is the pipeline's text encoder).
    private mutating func attach(_ networks: LoRANetworks) {
        textEncoder = networks.textEncoder
        unet = networks.unet
        if xl != nil, let te2 = networks.textEncoder2 {
            xl!.textEncoder = networks.textEncoder
            xl!.textEncoder2 = te2
        }
    }

    /// A copy of this pipeline that applies `loras` as low-rank side products in each patched layer's
    /// products (`y = W·x + s·up(down(x))`, what peft does with an unfused adapter) instead of merging
    /// them: no weight is written or copied, every step pays the extra products. The daemon merges
    /// (docs/lora.md says why); this strategy exists to be measured beside it (`Scripts/bench-lora`).
    /// - Throws: `lora.unsupported` for an update that is not low-rank (LoHa, LoKr, full differences:
    ///   they have no cheap side form); what ``validateLoRAs(_:)`` throws.
    public func withLoRASideProducts(_ loras: [LoRASelection]) throws -> StableDiffusionPipeline {
        var copy = self
        var networks = try copy.loraNetworks()
        let plans = try LoRAMerger.plan(loras, textEncoder: networks.textEncoder, textEncoder2: networks.textEncoder2, unet: networks.unet)
        func visitor(_ plan: [String: [LoRAMerger.Planned]]) -> ModuleWeightVisitor {
            { path, _, weight, _ in
                for u in plan[path] ?? [] where u.multiplier != 0 {
                    guard case .lowRank(let up, let down, let alpha) = u.update else {
                        throw EngineError(code: "lora.unsupported",
                                          message: "Layer \(path): only low-rank (kohya, PEFT, LoCon) updates can be applied as side products; LoHa, LoKr and full differences are merged.")
                    }
                    let rank = up.shape[1]
                    let scale = u.multiplier * ((alpha ?? u.defaultAlpha).map { $0 / Float(rank) } ?? 1)
                    weight.sides.append(LowRankSide(down: WeightMatrix(down.data), up: WeightMatrix(up.data), rank: rank, scale: scale))
                }
            }
        }
        try networks.textEncoder.visitWeights(visitor(plans.textEncoder))
        try networks.textEncoder2?.visitWeights(visitor(plans.textEncoder2))
        try networks.unet.visitWeights(visitor(plans.unet))
        copy.attach(networks)
        return copy
    }

    /// `Σ multiplier × scale × ΔW` of a layer's updates, in f32, computed the same way every time (the
    /// undo recomputes it). Bias differences are added to `bias`.
    static func delta(_ updates: [LoRAMerger.Planned], shape: [Int], count: Int, bias: inout [Float]?) -> [Float] {
        var delta = [Float](repeating: 0, count: count)
        for u in updates {
            LoRADelta.accumulate(u.update, multiplier: u.multiplier, shape: shape, defaultAlpha: u.defaultAlpha,
                                 weight: &delta, bias: &bias)
        }
        return delta
    }
}

extension WeightMatrix {
    /// A fingerprint of the stored bits (``afk_fingerprint``).
    var fingerprint: UInt64 {
        switch storage {
        case .f32(let v): v.withUnsafeBytes { afk_fingerprint($0.baseAddress, $0.count) }
        case .f16(let v), .bf16(let v): v.withUnsafeBytes { afk_fingerprint($0.baseAddress, $0.count) }
        }
    }

    private var kernelKind: Int32 {
        switch storage {
        case .f32: 0
        case .f16: 1
        case .bf16: 2
        }
    }

    /// Calls `body` with the stored values' address, written where they are when this matrix holds the
    /// only reference to them (copied first otherwise, as any Swift array write).
    private mutating func withMutableStorage<R>(_ body: (UnsafeMutableRawPointer, Int) -> R) -> R {
        // The array is moved out of `storage` before it is written (a `switch` over `storage` would
        // hold a second reference for its duration, and the write would copy).
        if var v = storage.takeF32() {
            defer { storage = .f32(v) }
            return v.withUnsafeMutableBufferPointer { body(UnsafeMutableRawPointer($0.baseAddress!), 4) }
        }
        let isF16 = kind == .f16
        var v = storage.takeHalf()
        defer { storage = isF16 ? .f16(v) : .bf16(v) }
        return v.withUnsafeMutableBufferPointer { body(UnsafeMutableRawPointer($0.baseAddress!), 2) }
    }

    /// Adds `delta` (f32, `count` values) in place, rounding to the stored precision; returns the
    /// positions and original bits of the values an undo cannot recompute exactly, in ascending order.
    mutating func mergeInPlace(_ delta: UnsafePointer<Float>) -> (index: [UInt32], bits: [UInt32]) {
        let kind = kernelKind, n = count
        precondition(n <= Int(UInt32.max), "a layer of more than 2³² values")
        return withMutableStorage { base, size in
            nonisolated(unsafe) let base = base
            let lock = NSLock()
            var parts: [(Int, [UInt32], [UInt32])] = []
            Parallel.forEachChunk(n, minimumPerChunk: 1 << 16) { range in
                let block = min(1 << 16, range.count)
                let idx = UnsafeMutablePointer<UInt32>.allocate(capacity: block)
                let orig = UnsafeMutablePointer<UInt32>.allocate(capacity: block)
                defer {
                    idx.deallocate()
                    orig.deallocate()
                }
                var index: [UInt32] = [], bits: [UInt32] = []
                var start = range.lowerBound
                while start < range.upperBound {
                    let m = min(block, range.upperBound - start)
                    let found = afk_lora_merge(kind, base + start * size, delta + start, m, idx, orig)
                    for j in 0..<found {
                        index.append(UInt32(start) + idx[j])
                        bits.append(orig[j])
                    }
                    start += m
                }
                lock.withLock { parts.append((range.lowerBound, index, bits)) }
            }
            parts.sort { $0.0 < $1.0 }
            return (parts.flatMap(\.1), parts.flatMap(\.2))
        }
    }

    /// Subtracts `delta` in place, then puts back the originals ``mergeInPlace(_:)`` recorded.
    mutating func undoInPlace(_ delta: UnsafePointer<Float>, restoring recorded: RecordedValues) {
        let kind = kernelKind, n = count
        withMutableStorage { base, size in
            nonisolated(unsafe) let base = base
            Parallel.forEachChunk(n, minimumPerChunk: 1 << 16) { range in
                afk_lora_undo(kind, base + range.lowerBound * size, delta + range.lowerBound, range.count)
            }
            if size == 4 {
                let p = base.assumingMemoryBound(to: UInt32.self)
                recorded.forEach { p[$0] = $1 }
            } else {
                let p = base.assumingMemoryBound(to: UInt16.self)
                recorded.forEach { p[$0] = UInt16(truncatingIfNeeded: $1) }
            }
        }
    }
}

extension WeightMatrix.Storage {
    /// The f32 values, leaving an empty array behind (so the caller holds the only reference); nil otherwise.
    fileprivate mutating func takeF32() -> [Float]? {
        guard case .f32(let v) = self else { return nil }
        self = .f32([])
        return v
    }

    /// The 16-bit patterns of an f16 or bf16 matrix, leaving an empty array behind.
    fileprivate mutating func takeHalf() -> [UInt16] {
        switch self {
        case .f16(let v):
            self = .f16([])
            return v
        case .bf16(let v):
            self = .bf16([])
            return v
        case .f32:
            return []
        }
    }
}

/// The original bits of the values an undo cannot recompute, compactly: positions as 16-bit offsets
/// within blocks of 65,536 values (with each block's first entry), bits as 16 bits for f16/bf16
/// layers. Four bytes a value for half-precision layers, six for f32.
struct RecordedValues: Sendable {
    /// `blockStarts[b] ..< blockStarts[b + 1]` are the entries in block `b`.
    private let blockStarts: [UInt32]
    private let offsets: [UInt16]
    private let bits32: [UInt32]
    private let bits16: [UInt16]

    /// - Parameters: index: ascending positions; bits: their original bit patterns.
    init(index: [UInt32], bits: [UInt32], half: Bool) {
        let blocks = index.last.map { Int($0 >> 16) + 1 } ?? 0
        var starts = [UInt32](repeating: 0, count: blocks + 1)
        for i in index { starts[Int(i >> 16) + 1] += 1 }
        for b in 0..<blocks { starts[b + 1] += starts[b] }
        blockStarts = starts
        offsets = index.map { UInt16(truncatingIfNeeded: $0) }
        bits32 = half ? [] : bits
        bits16 = half ? bits.map { UInt16(truncatingIfNeeded: $0) } : []
    }

    var count: Int { offsets.count }
    var bytes: Int { blockStarts.count * 4 + offsets.count * 2 + bits32.count * 4 + bits16.count * 2 }

    /// Calls `body(position, bits)` for every recorded value, in ascending order.
    func forEach(_ body: (Int, UInt32) -> Void) {
        guard blockStarts.count > 1 else { return }
        for b in 0..<(blockStarts.count - 1) {
            for j in Int(blockStarts[b])..<Int(blockStarts[b + 1]) {
                body(b << 16 | Int(offsets[j]), bits32.isEmpty ? UInt32(bits16[j]) : bits32[j])
            }
        }
    }
}
