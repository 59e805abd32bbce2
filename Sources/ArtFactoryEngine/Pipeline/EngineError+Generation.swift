/// Error constructors for the tokenizer, schedulers and pipelines (codes `tokenizer.*`, `scheduler.*`,
/// `pipeline.*`), on the engine's one error type.
extension EngineError {
    /// A tokenizer file is missing, unreadable or malformed.
    static func tokenizerFile(_ path: String, _ problem: String) -> EngineError {
        EngineError(code: "tokenizer.bad_file",
                    message: "Tokenizer file \(path): \(problem). Re-download the model's tokenizer/ folder or use the built-in CLIP vocabulary.",
                    path: path)
    }

    /// The scheduler configuration cannot be used.
    static func schedulerConfig(_ problem: String) -> EngineError {
        EngineError(code: "scheduler.bad_config",
                    message: "Scheduler configuration: \(problem). Check scheduler/scheduler_config.json or pick another scheduler.")
    }

    /// A scheduler was used out of order (e.g. `step` before `setTimesteps`).
    static func schedulerState(_ problem: String) -> EngineError {
        EngineError(code: "scheduler.bad_state", message: "Scheduler: \(problem); call setTimesteps and step through its timesteps in order.")
    }

    /// Request parameters the pipeline cannot honour.
    static func badRequest(_ problem: String) -> EngineError {
        EngineError(code: "pipeline.bad_request", message: "Generation request: \(problem).")
    }

    /// A model returned a tensor of an unexpected shape.
    static func modelShape(_ what: String, expected: [Int], got: [Int]) -> EngineError {
        EngineError(code: "pipeline.model_shape",
                    message: "\(what) has shape \(got), expected \(expected); the model files do not match each other, check the model folder.")
    }
}
