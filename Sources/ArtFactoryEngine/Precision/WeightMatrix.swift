import CEngineKernels

/// A layer's weights in the precision they are kept in memory: f32, or the 16-bit patterns of an f16
/// or bf16 checkpoint, kept narrow (half the bytes) and widened block by block inside each product.
///
/// Storage is a Swift array, so copies share it until written (a LoRA-patched model shares every
/// layer it does not touch with the model it came from).
public struct WeightMatrix: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        case f32([Float])
        case f16([UInt16])
        case bf16([UInt16])
    }

    public var storage: Storage
    /// Elements; a `[rows, columns...]` weight is `rows` contiguous rows of `count / rows` values.
    public let count: Int
    /// Low-rank LoRA updates applied beside this layer's products instead of merged into its values
    /// (`y += scale · up(down(x))`, ``StableDiffusionPipeline/withLoRASideProducts(_:)``). Empty for the
    /// layers of a loaded model; products in `WeightProducts.linear` and `Convolution.conv2d` add them.
    var sides: [LowRankSide] = []

    public init(_ values: [Float]) {
        storage = .f32(values)
        count = values.count
    }

    init(storage: Storage) {
        self.storage = storage
        switch storage {
        case .f32(let v): count = v.count
        case .f16(let v), .bf16(let v): count = v.count
        }
    }

    /// Values in the given kind (`.f32` widens, `.bf16` narrows with round-to-nearest-even).
    init(_ values: [Float], as kind: WeightPrecision) {
        switch kind {
        case .f32: self.init(values)
        case .bf16: self.init(storage: .bf16(Self.narrowToBF16(values)))
        case .f16: self.init(storage: .f16(values.map { Float16($0).bitPattern }))
        }
    }

    /// How the values are held.
    public var kind: WeightPrecision {
        switch storage {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        }
    }

    /// Bytes held.
    public var byteCount: Int { kind == .f32 ? count * 4 : count * 2 }

    /// Every value as f32 (a new array unless already f32).
    public var floats: [Float] {
        switch storage {
        case .f32(let v): return v
        case .f16(let v), .bf16(let v):
            let isF16 = kind == .f16
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                v.withUnsafeBufferPointer { src in
                    guard let s = src.baseAddress, let d = buffer.baseAddress else { return }
                    if isF16 { afk_f16_to_f32(s, d, count) } else { afk_bf16_to_f32(s, d, count) }
                }
                initialized = count
            }
        }
    }

    /// Address of the stored values (tests use it to check that untouched layers stay shared).
    var storageAddress: UnsafeRawPointer? {
        switch storage {
        case .f32(let v): v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        case .f16(let v), .bf16(let v): v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
    }

    /// Calls `body` with f32 values of elements `range` (widened into a scratch buffer unless stored as f32).
    func withFloats<T>(_ range: Range<Int>, _ body: (UnsafePointer<Float>) -> T) -> T {
        switch storage {
        case .f32(let v):
            return v.withUnsafeBufferPointer { body($0.baseAddress! + range.lowerBound) }
        case .f16(let v), .bf16(let v):
            let isF16 = kind == .f16
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, range.count))
            defer { scratch.deallocate() }
            v.withUnsafeBufferPointer { src in
                let s = src.baseAddress! + range.lowerBound
                // Large ranges are widened on every core; a block inside a product is small and stays on this one.
                if range.count >= 1 << 20 {
                    Parallel.forEachChunk(range.count, minimumPerChunk: 1 << 18) { r in
                        if isF16 { afk_f16_to_f32(s + r.lowerBound, scratch + r.lowerBound, r.count) }
                        else { afk_bf16_to_f32(s + r.lowerBound, scratch + r.lowerBound, r.count) }
                    }
                } else if isF16 {
                    afk_f16_to_f32(s, scratch, range.count)
                } else {
                    afk_bf16_to_f32(s, scratch, range.count)
                }
            }
            return body(scratch)
        }
    }

    /// Calls `body` with all values as f32.
    func withFloats<T>(_ body: (UnsafePointer<Float>) -> T) -> T { withFloats(0..<count, body) }

    /// Calls `body` with all values as bf16 bits (narrowed into a scratch buffer unless stored as bf16).
    func withBF16<T>(_ body: (UnsafePointer<UInt16>) -> T) -> T {
        switch storage {
        case .bf16(let v):
            return v.withUnsafeBufferPointer { body($0.baseAddress!) }
        case .f16(let v):
            let scratch = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, count))
            defer { scratch.deallocate() }
            v.withUnsafeBufferPointer { src in
                Parallel.forEachChunk(count, minimumPerChunk: 1 << 18) { r in
                    afk_f16_to_bf16(src.baseAddress! + r.lowerBound, scratch + r.lowerBound, r.count)
                }
            }
            return body(scratch)
        case .f32(let v):
            let scratch = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, count))
            defer { scratch.deallocate() }
            v.withUnsafeBufferPointer { src in
                BF16.narrow(src.baseAddress!, into: scratch, count: count)
            }
            return body(scratch)
        }
    }

    static func narrowToBF16(_ values: [Float]) -> [UInt16] {
        [UInt16](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            values.withUnsafeBufferPointer { src in
                if let s = src.baseAddress, let d = buffer.baseAddress { BF16.narrow(s, into: d, count: values.count) }
            }
            initialized = values.count
        }
    }
}

/// One low-rank update kept beside a layer: `down` `[rank, in·k·k]` (a convolution's own kernel size),
/// `up` `[out, rank]`, and `scale` = multiplier × alpha / rank.
struct LowRankSide: Sendable, Equatable {
    let down: WeightMatrix
    let up: WeightMatrix
    let rank: Int
    let scale: Float
}

/// bf16 helpers shared by the precision paths.
enum BF16 {
    /// Round-to-nearest-even narrowing of `count` floats, on every core for large inputs.
    static func narrow(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<UInt16>, count: Int) {
        if count < 1 << 18 {
            afk_f32_to_bf16(src, dst, count)
            return
        }
        Parallel.forEachChunk(count, minimumPerChunk: 1 << 17) { r in
            afk_f32_to_bf16(src + r.lowerBound, dst + r.lowerBound, r.count)
        }
    }

    /// A bf16 copy of `count` floats in a new buffer the caller deallocates.
    static func copy(_ src: UnsafePointer<Float>, count: Int) -> UnsafeMutablePointer<UInt16> {
        let dst = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, count))
        narrow(src, into: dst, count: count)
        return dst
    }
}
