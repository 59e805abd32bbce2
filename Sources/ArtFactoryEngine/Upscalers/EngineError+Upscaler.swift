extension EngineError {
    /// A `.pth` file that is not a PyTorch zip archive our reader accepts.
    static func badArchive(_ path: String, _ problem: String) -> EngineError {
        EngineError(code: "pth.archive",
                    message: "\(problem). The file is damaged or not a PyTorch checkpoint; download it again, or convert it to .safetensors.",
                    path: path)
    }

    /// A pickle that asks for something a weights file never needs (a global other than tensors and
    /// plain containers, or an opcode that builds arbitrary objects). Nothing from the file was run.
    static func forbiddenPickle(_ path: String, _ what: String) -> EngineError {
        EngineError(code: "pth.forbidden",
                    message: "The checkpoint's pickle asks for \(what), which a weights file never needs; ArtFactory refused to load it and ran nothing from it. Use a .safetensors copy of this upscaler, or one from a source you trust.",
                    path: path)
    }

    /// A pickle stream that is malformed (truncated, stack underflow, bad memo reference).
    static func badPickle(_ path: String, _ problem: String) -> EngineError {
        EngineError(code: "pth.pickle",
                    message: "The checkpoint's pickle is malformed: \(problem). Download the file again.",
                    path: path)
    }

    /// Weights whose names or shapes match no supported upscaler architecture.
    static func unknownUpscaler(_ path: String, _ problem: String) -> EngineError {
        EngineError(code: "upscaler.architecture",
                    message: "\(problem). Supported upscalers are ESRGAN/Real-ESRGAN RRDBNet (x1, x2, x4, x8) and Real-ESRGAN SRVGGNetCompact (PReLU).",
                    path: path)
    }
}
