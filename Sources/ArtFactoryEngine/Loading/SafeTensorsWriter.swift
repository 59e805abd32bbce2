import Foundation

/// Writes f32 tensors as a `.safetensors` file (used to save latents and by tests to build files).
public enum SafeTensorsWriter {
    /// Writes `tensors` (sorted by name) with an optional `__metadata__` map.
    /// - Throws: `EngineError` (`file.unwritable`) when the file cannot be written.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            guard let t = tensors[name] else { continue }
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + t.count * 4]] as [String: Any]
            offset += t.count * 4
        }
        do {
            var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
            while json.count % 8 != 0 { json.append(0x20) }
            var data = Data()
            withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(json)
            for name in names {
                guard let t = tensors[name] else { continue }
                t.data.withUnsafeBytes { data.append(contentsOf: $0) }
            }
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw EngineError(code: "file.unwritable", message: "Could not write the tensors; check the folder exists and is writable.",
                              path: path, cause: String(describing: error))
        }
    }
}
