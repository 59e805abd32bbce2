import Foundation

/// Euler's method on the probability-flow ODE (Karras et al. 2022), as diffusers' `EulerDiscreteScheduler`
/// (without churn), optionally on Karras sigmas.
public final class EulerDiscreteScheduler: Scheduler {
    public var timesteps: [Float] { state.timesteps }
    public private(set) var initNoiseSigma: Float = 1
    public let order = 1
    public let predictionType: PredictionType

    private let schedule: NoiseSchedule
    private let spacing: TimestepSpacing
    private let stepsOffset: Int
    private let karras: Bool
    private let finalSigmaIsMin: Bool
    fileprivate var state = SigmaSchedule()

    /// Configures from a diffusers scheduler config (class defaults: linear betas 0.0001…0.02,
    /// `linspace` spacing, final sigma zero).
    public init(config: SchedulerConfig) throws {
        try config.rejectUnsupported()
        schedule = try NoiseSchedule(config: config, defaultBetaStart: 0.0001, defaultBetaEnd: 0.02, defaultSchedule: "linear")
        predictionType = try config.resolvedPrediction()
        spacing = try config.resolvedSpacing(default: .linspace)
        stepsOffset = config.stepsOffset ?? 0
        karras = config.useKarrasSigmas ?? false
        switch config.finalSigmasType ?? "zero" {
        case "zero": finalSigmaIsMin = false
        case "sigma_min": finalSigmaIsMin = true
        case let other: throw EngineError.schedulerConfig("final_sigmas_type '\(other)' is not supported")
        }
    }

    public func setTimesteps(_ steps: Int) throws {
        let train = schedule.trainSteps
        guard steps >= 1, steps <= train else { throw EngineError.badRequest("Euler needs 1...\(train) steps, got \(steps)") }
        var times = SigmaSchedule.eulerTimesteps(steps: steps, train: train, spacing: spacing, offset: stepsOffset)
        let trainSigmas = schedule.sigmas
        var sigmas = times.map { NoiseSchedule.interpolate($0, trainSigmas) }
        if karras {
            let logSigmas = trainSigmas.map { Foundation.log($0) }
            sigmas = NoiseSchedule.karrasSigmas(min: Double(sigmas[sigmas.count - 1]), max: Double(sigmas[0]), count: steps)
            times = sigmas.map { NoiseSchedule.timestep(forSigma: $0, logSigmas: logSigmas) }
        }
        let last = finalSigmaIsMin ? Double(trainSigmas[0]) : 0
        state.reset(sigmas: (sigmas + [last]).map { Float($0) }, timesteps: times.map { Float($0) })
        let maxSigma = state.sigmas.max() ?? 1
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
        let dt = state.sigmas[index + 1] - sigma
        // x + (x - x0)/σ · dt, with x0 from the prediction type.
        let result: Tensor
        switch predictionType {
        case .epsilon:
            result = try SchedulerMath.combine(sample, 1, modelOutput, dt)
        case .vPrediction:
            let c = 1 / (sigma * sigma + 1)
            let x0 = try SchedulerMath.combine(modelOutput, -sigma * c.squareRoot(), sample, c)
            let derivative = try SchedulerMath.combine(sample, 1 / sigma, x0, -1 / sigma)
            result = try SchedulerMath.combine(sample, 1, derivative, dt)
        case .sample:
            let derivative = try SchedulerMath.combine(sample, 1 / sigma, modelOutput, -1 / sigma)
            result = try SchedulerMath.combine(sample, 1, derivative, dt)
        }
        state.advance()
        return result
    }

    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) throws -> Tensor {
        try SchedulerMath.combine(original, 1, noise, try state.noiseSigma(for: timestep))
    }
}

extension EulerDiscreteScheduler {
    /// The run's sigma table (one per timestep plus the final one), for tests and diagnostics.
    public var sigmasForTesting: [Float] { state.sigmas }
}
