import Foundation

/// Finds the weights file of one diffusers component folder.
enum ComponentFiles {
    /// The first existing `<name>.safetensors` or `<name>.fp16.safetensors` for the given base names.
    /// - Throws: `EngineError` (`file.missing`) naming the folder, and noting a `.bin` if only that exists.
    static func weightsPath(in directory: String, names: [String]) throws -> String {
        let fm = FileManager.default
        guard fm.fileExists(atPath: directory) else {
            throw EngineError.missingFile(directory, what: "The model component folder")
        }
        for name in names {
            for suffix in [".safetensors", ".fp16.safetensors"] {
                let path = (directory as NSString).appendingPathComponent(name + suffix)
                if fm.fileExists(atPath: path) { return path }
            }
        }
        let pickle = names.map { (directory as NSString).appendingPathComponent($0 + ".bin") }.first { fm.fileExists(atPath: $0) }
        if let pickle {
            throw EngineError(code: "weights.unsupportedFormat",
                              message: "Only safetensors weights are supported; convert \(pickle) to .safetensors.",
                              path: pickle)
        }
        throw EngineError.missingFile((directory as NSString).appendingPathComponent(names[0] + ".safetensors"),
                                      what: "The weights file")
    }
}
