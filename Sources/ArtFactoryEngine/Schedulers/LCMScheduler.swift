/// Latent Consistency Model sampling, as diffusers' `LCMScheduler`: each step predicts the clean
/// latent with the consistency boundary scalings, then re-noises it to the next timestep.
public final class LCMScheduler: Scheduler {
    public private(set) var timesteps: [Float] = []
    public let initNoiseSigma: Float = 1
    public let order = 1
    public let predictionType: PredictionType

    private let schedule: NoiseSchedule
    private let originalSteps: Int
    private let finalAlphaCumprod: Float
    private let clipSample: Bool
    private let clipRange: Float
    private let timestepScaling: Double
    private var stepIndex: Int?
    private var beginIndex: Int?

    /// Configures from a diffusers scheduler config (class defaults: scaled-linear betas 0.00085…0.012,
    /// 50 original inference steps, timestep scaling 10).
    public init(config: SchedulerConfig) throws {
        try config.rejectUnsupported()
        schedule = try NoiseSchedule(config: config, defaultBetaStart: 0.00085, defaultBetaEnd: 0.012, defaultSchedule: "scaled_linear")
        predictionType = try config.resolvedPrediction()
        originalSteps = config.originalInferenceSteps ?? 50
        guard originalSteps >= 1, originalSteps <= schedule.trainSteps else {
            throw EngineError.schedulerConfig("original_inference_steps \(originalSteps) must be 1...\(schedule.trainSteps)")
        }
        finalAlphaCumprod = (config.setAlphaToOne ?? true) ? 1 : schedule.alphasCumprod[0]
        clipSample = config.clipSample ?? false
        clipRange = Float(config.clipSampleRange ?? 1)
        timestepScaling = config.timestepScaling ?? 10
    }

    public func setTimesteps(_ steps: Int) throws {
        guard steps >= 1, steps <= originalSteps else {
            throw EngineError.badRequest("LCM needs 1...\(originalSteps) steps, got \(steps)")
        }
        let k = schedule.trainSteps / originalSteps
        let origin = (1...originalSteps).map { $0 * k - 1 }.reversed().map { $0 }
        timesteps = (0..<steps).map { i in
            let position = Int((Double(i) * Double(origin.count) / Double(steps)).rounded(.down))
            return Float(origin[position])
        }
        stepIndex = nil
        beginIndex = nil
    }

    public func setBeginIndex(_ index: Int) { beginIndex = index }

    public func scaleModelInput(_ sample: Tensor, timestep: Float) throws -> Tensor { sample }

    private func alphaProduct(_ t: Int) throws -> Float {
        guard t < schedule.trainSteps else { throw EngineError.schedulerState("timestep \(t) is beyond the training range") }
        return t >= 0 ? schedule.alphasCumprod[t] : finalAlphaCumprod
    }

    public func step(modelOutput: Tensor, timestep: Float, sample: Tensor, generator: TorchGenerator?) throws -> Tensor {
        guard !timesteps.isEmpty else { throw EngineError.schedulerState("call setTimesteps before step") }
        if stepIndex == nil {
            guard let start = beginIndex ?? SchedulerMath.index(of: timestep, in: timesteps) else {
                throw EngineError.schedulerState("timestep \(timestep) is not one of this run's timesteps")
            }
            stepIndex = start
        }
        let index = stepIndex ?? 0
        let t = Int(timestep)
        let previousT = index + 1 < timesteps.count ? Int(timesteps[index + 1]) : t
        let alphaT = try alphaProduct(t)
        let alphaPrev = try alphaProduct(previousT)
        let betaT = 1 - alphaT
        let scaled = Double(t) * timestepScaling
        let cSkip = Float(0.25 / (scaled * scaled + 0.25))
        let cOut = Float(scaled / (scaled * scaled + 0.25).squareRoot())
        var x0: Tensor
        switch predictionType {
        case .epsilon: x0 = try SchedulerMath.combine(sample, 1 / alphaT.squareRoot(), modelOutput, -betaT.squareRoot() / alphaT.squareRoot())
        case .sample: x0 = modelOutput
        case .vPrediction: x0 = try SchedulerMath.combine(sample, alphaT.squareRoot(), modelOutput, -betaT.squareRoot())
        }
        if clipSample { x0 = SchedulerMath.clamp(x0, clipRange) }
        let denoised = try SchedulerMath.combine(x0, cOut, sample, cSkip)
        stepIndex = index + 1
        guard index != timesteps.count - 1 else { return denoised }
        let noise = try SchedulerMath.noise(like: modelOutput, generator, scheduler: "LCM")
        return try SchedulerMath.combine(denoised, alphaPrev.squareRoot(), noise, (1 - alphaPrev).squareRoot())
    }

    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) throws -> Tensor {
        let alpha = try alphaProduct(Int(timestep))
        return try SchedulerMath.combine(original, alpha.squareRoot(), noise, (1 - alpha).squareRoot())
    }
}
