/// The engine's one error type: a stable machine-readable `code`, a human `message` that says what
/// to do next, the file concerned (if any) and the underlying cause.
public struct EngineError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Stable identifier, e.g. `"safetensors.truncated"`; callers and tests match on this.
    public let code: String
    /// What went wrong and what to do about it, for a person.
    public let message: String
    /// The file the problem was found in, when there is one.
    public let path: String?
    /// A description of the underlying error, when this one wraps another.
    public let cause: String?

    /// Creates an error. - Parameters: see the properties.
    public init(code: String, message: String, path: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    public var description: String {
        var text = "[\(code)] \(message)"
        if let path { text += " (file: \(path))" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}

extension EngineError {
    /// A file or folder that should exist does not.
    static func missingFile(_ path: String, what: String) -> EngineError {
        EngineError(code: "file.missing",
                    message: "\(what) was not found at \(path); check that the model folder is complete.",
                    path: path)
    }

    /// A weights file whose content does not follow the safetensors format.
    static func badSafetensors(_ path: String, _ code: String, _ problem: String) -> EngineError {
        EngineError(code: "safetensors.\(code)",
                    message: "\(problem). The file is damaged or not a safetensors file; download it again.",
                    path: path)
    }

    /// A config.json or model_index.json that cannot be used.
    static func badConfig(_ path: String, _ problem: String, cause: Error? = nil) -> EngineError {
        EngineError(code: "config.invalid",
                    message: "\(problem); fix or replace the configuration file.",
                    path: path, cause: cause.map { String(describing: $0) })
    }

    /// A weight that is absent or shaped differently from what the configuration implies.
    static func weightMismatch(_ path: String, _ problem: String) -> EngineError {
        EngineError(code: "weights.mismatch",
                    message: "\(problem); the weights do not belong to this model configuration.",
                    path: path)
    }

    /// Input tensors a model cannot accept.
    static func badInput(_ problem: String) -> EngineError {
        EngineError(code: "input.invalid", message: "\(problem).")
    }
}
