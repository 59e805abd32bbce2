import Foundation

/// Generation parameters recovered from (or written into) an image file, normalised across tools.
///
/// Fields a source does not carry are nil/empty. `rawJSON` keeps the source's JSON untouched (ComfyUI
/// graphs, InvokeAI records, our own record) so nothing is lost on import.
public struct GenerationMetadata: Sendable, Equatable, Codable {
    /// Which tool's format the values came from.
    public enum Source: String, Sendable, Equatable, Codable, CaseIterable {
        /// Our `artfactory` iTXt JSON record.
        case artfactory
        /// AUTOMATIC1111 / Forge / SD.Next `parameters` text.
        case automatic1111
        /// ComfyUI `prompt` (API graph) and/or `workflow` (UI graph) JSON.
        case comfyUI = "comfyui"
        /// InvokeAI `invokeai_metadata` JSON.
        case invokeAI = "invokeai"
    }

    /// An extra `key: value` pair kept in its original order (e.g. A1111's `Lora hashes`, `Version`).
    public struct Field: Sendable, Equatable, Codable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Where the values came from.
    public var source: Source
    /// Positive prompt (may span lines).
    public var prompt: String
    /// Negative prompt (empty when none).
    public var negativePrompt: String
    /// Denoising steps.
    public var steps: Int?
    /// Sampler name as the tool spells it (e.g. `Euler a`, `euler_ancestral`).
    public var sampler: String?
    /// Scheduler / schedule type (e.g. `Karras`, `normal`).
    public var scheduler: String?
    /// Classifier-free guidance scale.
    public var cfgScale: Double?
    /// Seed (ComfyUI seeds span the full 64-bit range).
    public var seed: UInt64?
    /// Output width in pixels.
    public var width: Int?
    /// Output height in pixels.
    public var height: Int?
    /// Model / checkpoint name.
    public var model: String?
    /// Model hash as the tool wrote it.
    public var modelHash: String?
    /// Other fields, in source order.
    public var extra: [Field]
    /// The source JSON, unchanged (nil for A1111 text).
    public var rawJSON: String?

    /// Creates a record.
    public init(source: Source, prompt: String = "", negativePrompt: String = "", steps: Int? = nil,
                sampler: String? = nil, scheduler: String? = nil, cfgScale: Double? = nil, seed: UInt64? = nil,
                width: Int? = nil, height: Int? = nil, model: String? = nil, modelHash: String? = nil,
                extra: [Field] = [], rawJSON: String? = nil) {
        self.source = source
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.sampler = sampler
        self.scheduler = scheduler
        self.cfgScale = cfgScale
        self.seed = seed
        self.width = width
        self.height = height
        self.model = model
        self.modelHash = modelHash
        self.extra = extra
        self.rawJSON = rawJSON
    }

    /// The value of an extra field, matched case-insensitively.
    public func extraValue(_ key: String) -> String? {
        extra.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
    }
}
