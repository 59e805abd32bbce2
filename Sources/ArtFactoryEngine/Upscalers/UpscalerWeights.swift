import Foundation

/// Every tensor of an upscaler file, by name, in f32: read from `.safetensors`, or from a PyTorch
/// `.pth` zip archive through `RestrictedUnpickler` (nothing from the file is ever run).
///
/// The wrappers training code saves are unwrapped: BasicSR's `{"params_ema": ..., "params": ...}`
/// (EMA weights preferred), `{"state_dict": ...}`, `{"model": ...}`, and DataParallel's `module.` prefix.
public struct UpscalerWeights: Sendable {
    /// File the weights came from.
    public let path: String
    /// Tensors by name.
    public let tensors: [String: Tensor]

    /// Wraps tensors (tests, converters).
    public init(path: String, tensors: [String: Tensor]) {
        self.path = path
        self.tensors = Self.unwrapped(tensors)
    }

    /// Reads `.safetensors` or `.pth`/`.pt`/`.ckpt` (PyTorch zip) by content.
    /// - Throws: `EngineError` (`file.missing`, `safetensors.*`, `pth.archive`, `pth.pickle`, `pth.forbidden`).
    public static func load(path: String) throws -> UpscalerWeights {
        guard FileManager.default.fileExists(atPath: path) else { throw EngineError.missingFile(path, what: "The upscaler file") }
        if PyTorchZipArchive.isZip(path: path) { return try loadPyTorch(path: path) }
        if path.lowercased().hasSuffix(".pth") || path.lowercased().hasSuffix(".pt") {
            throw EngineError.badArchive(path, "This is not a PyTorch zip archive (it may be the pre-1.6 legacy format, which ArtFactory does not read)")
        }
        let file = try SafeTensorsFile(path: path)
        var tensors: [String: Tensor] = [:]
        for name in file.names { tensors[name] = try file.tensor(named: name) }
        return UpscalerWeights(path: path, tensors: tensors)
    }

    static func loadPyTorch(path: String) throws -> UpscalerWeights {
        let archive = try PyTorchZipArchive(path: path)
        if let order = try? archive.bytes("byteorder"), String(decoding: order, as: UTF8.self) != "little" {
            throw EngineError.badArchive(path, "The checkpoint was saved big-endian; re-save it on a little-endian machine")
        }
        let root = try RestrictedUnpickler.load(try archive.bytes("data.pkl"), path: path)
        guard var dict = root.dict else { throw EngineError.unknownUpscaler(path, "The checkpoint holds no dict of tensors") }
        for wrapper in ["params_ema", "params", "state_dict", "model"] {
            if let inner = dict[wrapper]?.dict { dict = inner; break }
        }
        var tensors: [String: Tensor] = [:]
        for (name, value) in dict.entries {
            guard case .tensor(let view) = value else { continue }
            tensors[name] = try materialize(view, archive: archive)
        }
        return UpscalerWeights(path: path, tensors: tensors)
    }

    /// Copies a strided storage view into a contiguous f32 tensor.
    private static func materialize(_ view: PickleTensor, archive: PyTorchZipArchive) throws -> Tensor {
        let raw = try archive.bytes("data/\(view.storage.key)")
        let size = view.storage.element.size
        guard raw.count >= view.storage.count * size else {
            throw EngineError.badArchive(archive.path, "Storage \(view.storage.key) holds \(raw.count) bytes, fewer than its \(view.storage.count) elements need")
        }
        let count = view.shape.reduce(1, *)
        var data = [Float](repeating: 0, count: count)
        let element = view.storage.element
        func value(_ i: Int) -> Float {
            let at = i * size
            switch element {
            case .float: return Float(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
            case .half: return Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian))
            case .bfloat16: return Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian) << 16)
            case .double: return Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian))
            case .long: return Float(Int64(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian))
            case .int: return Float(Int32(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian))
            case .short: return Float(Int16(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian))
            case .char: return Float(Int8(bitPattern: raw[at]))
            case .byte, .bool: return Float(raw[at])
            }
        }
        if count > 0 {
            // Walk the view in row-major order with an odometer over its dimensions.
            var index = [Int](repeating: 0, count: view.shape.count)
            var source = view.offset
            for i in 0..<count {
                data[i] = value(source)
                var d = view.shape.count - 1
                while d >= 0 {
                    index[d] += 1
                    source += view.strides[d]
                    if index[d] < view.shape[d] { break }
                    source -= view.strides[d] * view.shape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
        return Tensor(shape: view.shape, data: data)
    }

    /// Drops DataParallel's `module.` prefix when every name has it.
    private static func unwrapped(_ tensors: [String: Tensor]) -> [String: Tensor] {
        guard !tensors.isEmpty, tensors.keys.allSatisfy({ $0.hasPrefix("module.") }) else { return tensors }
        return Dictionary(uniqueKeysWithValues: tensors.map { (String($0.key.dropFirst(7)), $0.value) })
    }

    /// The stored shape of a tensor, or nil.
    func shape(_ name: String) -> [Int]? { tensors[name]?.shape }

    /// A 2-D convolution `name.weight` `[out, in, k, k]` (+ `name.bias`), checking the expected channels.
    func conv(_ name: String, in inChannels: Int? = nil, out outChannels: Int? = nil) throws -> Conv2d {
        guard let weight = tensors["\(name).weight"], weight.rank == 4, weight.shape[2] == weight.shape[3] else {
            throw EngineError.weightMismatch(path, "Convolution weight \"\(name).weight\" is missing or not [out, in, k, k]")
        }
        let (o, i, k) = (weight.shape[0], weight.shape[1], weight.shape[2])
        if let inChannels, inChannels != i {
            throw EngineError.weightMismatch(path, "\"\(name).weight\" takes \(i) input channels, expected \(inChannels)")
        }
        if let outChannels, outChannels != o {
            throw EngineError.weightMismatch(path, "\"\(name).weight\" gives \(o) output channels, expected \(outChannels)")
        }
        let bias = tensors["\(name).bias"]
        if let bias, bias.count != o { throw EngineError.weightMismatch(path, "\"\(name).bias\" has \(bias.count) values, expected \(o)") }
        return Conv2d(weight: weight.data, bias: bias?.data, inChannels: i, outChannels: o, kernel: k, stride: 1, padding: k / 2)
    }
}
