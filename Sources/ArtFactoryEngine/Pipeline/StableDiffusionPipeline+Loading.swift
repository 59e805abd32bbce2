import Foundation

extension StableDiffusionPipeline {
    /// Loads a model for generation: a diffusers folder or a single-file SD 1.x/2.x `.safetensors`
    /// checkpoint (models via `StableDiffusionModels.load(from:)`).
    ///
    /// A folder brings its own tokenizer and scheduler config. A single file has neither: it gets the
    /// built-in OpenAI CLIP vocabulary (padding with `<|endoftext|>` for SD 1.x, `!` for SD 2.x, as
    /// those models' tokenizers do) and `defaultSchedulerConfig` (SD's training schedule). Whether an
    /// SD 2.x file predicts noise or velocity cannot be read from its weights (768-v models use
    /// v-prediction, 512-base ones epsilon), so pass `prediction` for v-models.
    /// - Parameter prediction: overrides the scheduler config's `prediction_type`.
    /// - Parameter narrowWeightsToBF16: keep every layer weight as bf16 (half the memory of f32 checkpoints;
    ///   f16 ones are narrowed too), for models that run on the bf16 path. Otherwise weights stay in the
    ///   checkpoint's own precision (f16/bf16 files take half the memory of f32 ones either way).
    /// - Throws: `EngineError` describing what is missing, damaged or unsupported.
    public static func load(path: String, prediction: PredictionType? = nil,
                            narrowWeightsToBF16: Bool = false) throws -> StableDiffusionPipeline {
        // Without narrowing, an enclosing `EnginePrecision.withWeights` policy still applies.
        let models = narrowWeightsToBF16
            ? try EnginePrecision.withWeights(.bf16) { try StableDiffusionModels.load(from: path) }
            : try StableDiffusionModels.load(from: path)
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let root = URL(fileURLWithPath: path)
        let tokenizerFolder = root.appendingPathComponent("tokenizer")
        let schedulerFile = root.appendingPathComponent("scheduler").appendingPathComponent("scheduler_config.json")
        let isSD2 = models.variant == .sd2 || models.variant == .sd2Inpainting
        let refiner = models.variant == .sdxlRefiner
        var tokenizer: CLIPTokenizer
        var config: SchedulerConfig
        if isDirectory.boolValue {
            // A refiner has only tokenizer_2 (its one encoder's).
            tokenizer = try CLIPTokenizer.load(folder: refiner ? root.appendingPathComponent("tokenizer_2") : tokenizerFolder)
            config = try SchedulerConfig.load(schedulerFile)
        } else {
            tokenizer = try CLIPTokenizer.builtIn(padToken: isSD2 || refiner ? "!" : nil)
            config = defaultSchedulerConfig
        }
        if let prediction { config.predictionType = prediction.rawValue }
        var xl: SDXLTextConditioning?
        if refiner {
            let forceZeros = isDirectory.boolValue ? try DiffusersPipelineFolder(path: path).forceZerosForEmptyPrompt : false
            xl = SDXLTextConditioning(textEncoder: nil, tokenizer2: tokenizer, textEncoder2: models.textEncoder,
                                      forceZerosForEmptyPrompt: forceZeros, requiresAestheticsScore: true)
        } else if let textEncoder2 = models.textEncoder2 {
            let tokenizer2: CLIPTokenizer
            let forceZeros: Bool
            if isDirectory.boolValue {
                tokenizer2 = try CLIPTokenizer.load(folder: root.appendingPathComponent("tokenizer_2"))
                forceZeros = try DiffusersPipelineFolder(path: path).forceZerosForEmptyPrompt
            } else {
                tokenizer2 = try CLIPTokenizer.builtIn(padToken: "!")
                forceZeros = true
            }
            xl = SDXLTextConditioning(textEncoder: models.textEncoder, tokenizer2: tokenizer2, textEncoder2: textEncoder2,
                                      forceZerosForEmptyPrompt: forceZeros)
        }
        return StableDiffusionPipeline(tokenizer: tokenizer, textEncoder: models.textEncoder, unet: models.unet,
                                       vae: models.vae, schedulerConfig: config, xl: xl)
    }

    /// Stable Diffusion's training noise schedule as its published scheduler configs state it:
    /// scaled-linear betas 0.00085…0.012 over 1000 steps, `steps_offset` 1, `leading` spacing,
    /// no clipping, epsilon prediction; the sampler defaults to DDIM.
    public static var defaultSchedulerConfig: SchedulerConfig {
        var config = SchedulerConfig()
        config.className = SchedulerKind.ddim.rawValue
        config.numTrainTimesteps = 1000
        config.betaStart = 0.00085
        config.betaEnd = 0.012
        config.betaSchedule = "scaled_linear"
        config.stepsOffset = 1
        config.timestepSpacing = "leading"
        config.clipSample = false
        config.setAlphaToOne = false
        config.predictionType = PredictionType.epsilon.rawValue
        return config
    }
}
