/// DDIM (Song et al. 2020), as diffusers' `DDIMScheduler`: deterministic when `eta` is 0.
public final class DDIMScheduler: Scheduler {
    public private(set) var timesteps: [Float] = []
    public let initNoiseSigma: Float = 1
    public let order = 1
    public let predictionType: PredictionType
    /// Stochasticity: 0 = DDIM, 1 = DDPM-like noise each step.
    public var eta: Float = 0

    private let schedule: NoiseSchedule
    private let spacing: TimestepSpacing
    private let stepsOffset: Int
    private let finalAlphaCumprod: Float
    private let clipSample: Bool
    private let clipRange: Float
    private var inferenceSteps = 0

    /// Configures from a diffusers scheduler config (class defaults: linear betas 0.0001…0.02,
    /// `leading` spacing, `clip_sample` true, `set_alpha_to_one` true).
    public init(config: SchedulerConfig) throws {
        try config.rejectUnsupported()
        schedule = try NoiseSchedule(config: config, defaultBetaStart: 0.0001, defaultBetaEnd: 0.02, defaultSchedule: "linear")
        predictionType = try config.resolvedPrediction()
        spacing = try config.resolvedSpacing(default: .leading)
        stepsOffset = config.stepsOffset ?? 0
        finalAlphaCumprod = (config.setAlphaToOne ?? true) ? 1 : schedule.alphasCumprod[0]
        clipSample = config.clipSample ?? true
        clipRange = Float(config.clipSampleRange ?? 1)
    }

    public func setTimesteps(_ steps: Int) throws {
        let train = schedule.trainSteps
        guard steps >= 1, steps <= train else {
            throw EngineError.badRequest("DDIM needs 1...\(train) steps, got \(steps)")
        }
        inferenceSteps = steps
        switch spacing {
        case .linspace:
            timesteps = NoiseSchedule.linspace(0, Double(train - 1), steps).map { Float($0.rounded(.toNearestOrEven)) }.reversed()
        case .leading:
            let ratio = train / steps
            timesteps = (0..<steps).reversed().map { Float($0 * ratio + stepsOffset) }
        case .trailing:
            let ratio = Double(train) / Double(steps)
            timesteps = NoiseSchedule.arangeDown(from: Double(train), to: 0, step: -ratio).map { Float($0.rounded(.toNearestOrEven) - 1) }
        }
    }

    public func setBeginIndex(_ index: Int) {}

    public func scaleModelInput(_ sample: Tensor, timestep: Float) throws -> Tensor { sample }

    private func alphaProduct(_ t: Int) throws -> Float {
        guard t < schedule.trainSteps else { throw EngineError.schedulerState("timestep \(t) is beyond the training range") }
        return t >= 0 ? schedule.alphasCumprod[t] : finalAlphaCumprod
    }

    public func step(modelOutput: Tensor, timestep: Float, sample: Tensor, generator: TorchGenerator?) throws -> Tensor {
        guard inferenceSteps > 0 else { throw EngineError.schedulerState("call setTimesteps before step") }
        let t = Int(timestep)
        let previous = t - schedule.trainSteps / inferenceSteps
        let alphaT = try alphaProduct(t)
        let alphaPrev = try alphaProduct(previous)
        let betaT = 1 - alphaT
        var predictedOriginal: Tensor
        var predictedEpsilon: Tensor
        switch predictionType {
        case .epsilon:
            predictedOriginal = try SchedulerMath.combine(sample, 1 / alphaT.squareRoot(), modelOutput, -betaT.squareRoot() / alphaT.squareRoot())
            predictedEpsilon = modelOutput
        case .sample:
            predictedOriginal = modelOutput
            predictedEpsilon = try SchedulerMath.combine(sample, 1 / betaT.squareRoot(), modelOutput, -alphaT.squareRoot() / betaT.squareRoot())
        case .vPrediction:
            predictedOriginal = try SchedulerMath.combine(sample, alphaT.squareRoot(), modelOutput, -betaT.squareRoot())
            predictedEpsilon = try SchedulerMath.combine(modelOutput, alphaT.squareRoot(), sample, betaT.squareRoot())
        }
        if clipSample {
            // As diffusers (use_clipped_model_output off): only x0 is clipped, epsilon stays the model's.
            predictedOriginal = SchedulerMath.clamp(predictedOriginal, clipRange)
        }
        let variance = ((1 - alphaPrev) / betaT) * (1 - alphaT / alphaPrev)
        let std = eta * variance.squareRoot()
        var previousSample = try SchedulerMath.combine(predictedOriginal, alphaPrev.squareRoot(),
                                                       predictedEpsilon, (1 - alphaPrev - std * std).squareRoot())
        if eta > 0 {
            let noise = try SchedulerMath.noise(like: modelOutput, generator, scheduler: "DDIM with eta > 0")
            previousSample = try SchedulerMath.combine(previousSample, 1, noise, std)
        }
        return previousSample
    }

    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) throws -> Tensor {
        let alpha = try alphaProduct(Int(timestep))
        return try SchedulerMath.combine(original, alpha.squareRoot(), noise, (1 - alpha).squareRoot())
    }
}
