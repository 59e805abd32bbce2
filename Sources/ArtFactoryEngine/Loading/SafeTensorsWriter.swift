import Foundation

/// Writes tensors as a `.safetensors` file in f32, f16 or bf16 (used to save latents, by tests to build
/// files, and to narrow a checkpoint to half precision).
public enum SafeTensorsWriter {
    /// Writes `tensors` (sorted by name) with an optional `__metadata__` map, stored as `dtype`
    /// (f16 rounds to nearest; bf16 to nearest, ties to even).
    /// - Throws: `EngineError` (`file.unwritable`) when the file cannot be written.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String,
                             dtype: SafeTensorsFile.DType = .f32) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            guard let t = tensors[name] else { continue }
            header[name] = ["dtype": dtype.rawValue, "shape": t.shape,
                            "data_offsets": [offset, offset + t.count * dtype.size]] as [String: Any]
            offset += t.count * dtype.size
        }
        do {
            var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
            while json.count % 8 != 0 { json.append(0x20) }
            var data = Data()
            withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(json)
            for name in names {
                guard let t = tensors[name] else { continue }
                switch dtype {
                case .f32: t.data.withUnsafeBytes { data.append(contentsOf: $0) }
                case .f16: t.data.map { Float16($0).bitPattern.littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
                case .bf16: WeightMatrix.narrowToBF16(t.data).map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
                }
            }
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw EngineError(code: "file.unwritable", message: "Could not write the tensors; check the folder exists and is writable.",
                              path: path, cause: String(describing: error))
        }
    }
}
