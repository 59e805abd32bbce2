/// The error thrown by the engine's tokenizer, schedulers, random generator and pipelines.
///
/// `code` is stable (callers and the daemon match on it); `message` says what went wrong and what to do
/// next; `cause` carries an underlying error when there is one.
public struct GenerationError: Error, Sendable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. `tokenizer.vocabulary_unreadable`.
    public let code: String
    /// Human explanation that says what to do next.
    public let message: String
    /// The underlying error, if any.
    public let cause: (any Error & Sendable)?

    /// Makes an error. Prefer the static helpers below so codes stay consistent.
    public init(code: String, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code): \(message) (cause: \(cause))" }
        return "\(code): \(message)"
    }

    /// A tokenizer file is missing, unreadable or malformed.
    static func tokenizerFile(_ path: String, _ problem: String, cause: (any Error & Sendable)? = nil) -> GenerationError {
        GenerationError(code: "tokenizer.bad_file",
                        message: "Tokenizer file \(path): \(problem). Re-download the model's tokenizer/ folder or use the built-in CLIP vocabulary.",
                        cause: cause)
    }

    /// The scheduler configuration cannot be used.
    static func schedulerConfig(_ problem: String, cause: (any Error & Sendable)? = nil) -> GenerationError {
        GenerationError(code: "scheduler.bad_config",
                        message: "Scheduler configuration: \(problem). Check scheduler/scheduler_config.json or pick another scheduler.",
                        cause: cause)
    }

    /// A scheduler was used out of order (e.g. `step` before `setTimesteps`).
    static func schedulerState(_ problem: String) -> GenerationError {
        GenerationError(code: "scheduler.bad_state", message: "Scheduler: \(problem).")
    }

    /// Request parameters the pipeline cannot honour.
    static func badRequest(_ problem: String) -> GenerationError {
        GenerationError(code: "pipeline.bad_request", message: "Generation request: \(problem).")
    }

    /// A model returned a tensor of an unexpected shape.
    static func modelShape(_ what: String, expected: [Int], got: [Int]) -> GenerationError {
        GenerationError(code: "pipeline.model_shape",
                        message: "\(what) returned shape \(got), expected \(expected). The model files do not match each other; check the model folder.")
    }
}
