/// Euler ancestral sampling, as diffusers' `EulerAncestralDiscreteScheduler`: an Euler step down to
/// σ_down, then fresh noise of σ_up from the generator.
public final class EulerAncestralDiscreteScheduler: Scheduler {
    public var timesteps: [Float] { state.timesteps }
    public private(set) var initNoiseSigma: Float = 1
    public let order = 1
    public let predictionType: PredictionType

    private let schedule: NoiseSchedule
    private let spacing: TimestepSpacing
    private let stepsOffset: Int
    fileprivate var state = SigmaSchedule()

    /// Configures from a diffusers scheduler config (class defaults: linear betas 0.0001…0.02, `linspace`).
    /// - Throws: for `prediction_type` `sample`, which diffusers does not implement for this scheduler either.
    public init(config: SchedulerConfig) throws {
        try config.rejectUnsupported()
        schedule = try NoiseSchedule(config: config, defaultBetaStart: 0.0001, defaultBetaEnd: 0.02, defaultSchedule: "linear")
        predictionType = try config.resolvedPrediction()
        guard predictionType != .sample else {
            throw EngineError.schedulerConfig("Euler ancestral supports prediction_type epsilon or v_prediction only")
        }
        spacing = try config.resolvedSpacing(default: .linspace)
        stepsOffset = config.stepsOffset ?? 0
    }

    public func setTimesteps(_ steps: Int) throws {
        let train = schedule.trainSteps
        guard steps >= 1, steps <= train else { throw EngineError.badRequest("Euler ancestral needs 1...\(train) steps, got \(steps)") }
        let times = SigmaSchedule.eulerTimesteps(steps: steps, train: train, spacing: spacing, offset: stepsOffset)
        let trainSigmas = schedule.sigmas
        let sigmas = times.map { Float(NoiseSchedule.interpolate($0, trainSigmas)) } + [0]
        state.reset(sigmas: sigmas, timesteps: times.map { Float($0) })
        let maxSigma = sigmas.max() ?? 1
        initNoiseSigma = spacing == .leading ? (maxSigma * maxSigma + 1).squareRoot() : maxSigma
    }

    public func setBeginIndex(_ index: Int) { state.beginIndex = index }

    public func scaleModelInput(_ sample: Tensor, timestep: Float) throws -> Tensor {
        let sigma = state.sigmas[try state.index(for: timestep)]
        return SchedulerMath.scale(sample, 1 / (sigma * sigma + 1).squareRoot())
    }

    public func step(modelOutput: Tensor, timestep: Float, sample: Tensor, generator: TorchGenerator?) throws -> Tensor {
        guard !state.timesteps.isEmpty else { throw EngineError.schedulerState("call setTimesteps before step") }
        let index = try state.index(for: timestep)
        try state.checkCanStep(index)
        let sigma = state.sigmas[index]
        let sigmaTo = state.sigmas[index + 1]
        let x0: Tensor
        switch predictionType {
        case .vPrediction:
            let c = 1 / (sigma * sigma + 1)
            x0 = try SchedulerMath.combine(modelOutput, -sigma * c.squareRoot(), sample, c)
        default:
            x0 = try SchedulerMath.combine(sample, 1, modelOutput, -sigma)
        }
        let sigmaUp = (sigmaTo * sigmaTo * (sigma * sigma - sigmaTo * sigmaTo) / (sigma * sigma)).squareRoot()
        let sigmaDown = (sigmaTo * sigmaTo - sigmaUp * sigmaUp).squareRoot()
        let derivative = try SchedulerMath.combine(sample, 1 / sigma, x0, -1 / sigma)
        let moved = try SchedulerMath.combine(sample, 1, derivative, sigmaDown - sigma)
        let noise = try SchedulerMath.noise(like: modelOutput, generator, scheduler: "Euler ancestral")
        state.advance()
        return try SchedulerMath.combine(moved, 1, noise, sigmaUp)
    }

    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) throws -> Tensor {
        try SchedulerMath.combine(original, 1, noise, try state.noiseSigma(for: timestep))
    }
}

extension EulerAncestralDiscreteScheduler {
    /// The run's sigma table (one per timestep plus the final one), for tests and diagnostics.
    public var sigmasForTesting: [Float] { state.sigmas }
}
