import Foundation

/// DPM-Solver++ (Lu et al. 2022), multistep, order 1 or 2 (DPM++ 2M), as diffusers'
/// `DPMSolverMultistepScheduler` with `algorithm_type` `dpmsolver++`; with `use_karras_sigmas` it is
/// "DPM++ 2M Karras".
public final class DPMSolverMultistepScheduler: Scheduler {
    public var timesteps: [Float] { state.timesteps }
    public let initNoiseSigma: Float = 1
    public let order = 1
    public let predictionType: PredictionType

    private let schedule: NoiseSchedule
    private let spacing: TimestepSpacing
    private let stepsOffset: Int
    private let karras: Bool
    private let solverOrder: Int
    private let heun: Bool
    private let lowerOrderFinal: Bool
    private let eulerAtFinal: Bool
    private let finalSigmaIsMin: Bool
    fileprivate var state = SigmaSchedule()
    private var previousX0: Tensor?
    private var lowerOrderCount = 0

    /// Configures from a diffusers scheduler config (class defaults: linear betas 0.0001…0.02, order 2,
    /// midpoint solver, `linspace` spacing, lower-order final steps below 15 steps, final sigma zero).
    public init(config: SchedulerConfig) throws {
        try config.rejectUnsupported()
        schedule = try NoiseSchedule(config: config, defaultBetaStart: 0.0001, defaultBetaEnd: 0.02, defaultSchedule: "linear")
        predictionType = try config.resolvedPrediction()
        spacing = try config.resolvedSpacing(default: .linspace)
        stepsOffset = config.stepsOffset ?? 0
        karras = config.useKarrasSigmas ?? false
        solverOrder = config.solverOrder ?? 2
        guard solverOrder == 1 || solverOrder == 2 else {
            throw EngineError.schedulerConfig("solver_order \(solverOrder) is not supported (use 1 or 2)")
        }
        let algorithm = config.algorithmType ?? "dpmsolver++"
        guard algorithm == "dpmsolver++" || algorithm == "deis" else {
            throw EngineError.schedulerConfig("algorithm_type '\(algorithm)' is not supported (use dpmsolver++)")
        }
        switch config.solverType ?? "midpoint" {
        case "midpoint", "logrho", "bh1", "bh2": heun = false
        case "heun": heun = true
        case let other: throw EngineError.schedulerConfig("solver_type '\(other)' is not supported")
        }
        lowerOrderFinal = config.lowerOrderFinal ?? true
        eulerAtFinal = config.eulerAtFinal ?? false
        switch config.finalSigmasType ?? "zero" {
        case "zero": finalSigmaIsMin = false
        case "sigma_min": finalSigmaIsMin = true
        case let other: throw EngineError.schedulerConfig("final_sigmas_type '\(other)' is not supported")
        }
    }

    public func setTimesteps(_ steps: Int) throws {
        let train = schedule.trainSteps
        guard steps >= 1, steps < train else { throw EngineError.badRequest("DPM-Solver++ needs 1..<\(train) steps, got \(steps)") }
        var times: [Double]
        switch spacing {
        case .linspace:
            times = Array(NoiseSchedule.linspace(0, Double(train - 1), steps + 1).map { $0.rounded(.toNearestOrEven) }.reversed().dropLast())
        case .leading:
            let ratio = train / (steps + 1)
            times = Array((0...steps).reversed().map { Double($0 * ratio + stepsOffset) }.dropLast())
        case .trailing:
            let ratio = Double(train) / Double(steps)
            times = NoiseSchedule.arangeDown(from: Double(train), to: 0, step: -ratio).map { $0.rounded(.toNearestOrEven) - 1 }
        }
        let trainSigmas = schedule.sigmas
        var sigmas: [Double]
        if karras {
            let logSigmas = trainSigmas.map { Foundation.log($0) }
            sigmas = NoiseSchedule.karrasSigmas(min: Double(trainSigmas[0]), max: Double(trainSigmas[train - 1]), count: steps)
            times = sigmas.map { NoiseSchedule.timestep(forSigma: $0, logSigmas: logSigmas).rounded(.toNearestOrEven) }
        } else {
            sigmas = times.map { NoiseSchedule.interpolate($0, trainSigmas) }
        }
        let last = finalSigmaIsMin ? Double(trainSigmas[0]) : 0
        state.reset(sigmas: (sigmas + [last]).map { Float($0) }, timesteps: times.map { Float($0) })
        previousX0 = nil
        lowerOrderCount = 0
    }

    public func setBeginIndex(_ index: Int) { state.beginIndex = index }

    public func scaleModelInput(_ sample: Tensor, timestep: Float) throws -> Tensor { sample }

    /// (α_t, σ_t) of the variance-preserving process for a sigma.
    private func alphaSigma(_ sigma: Float) -> (alpha: Float, sigma: Float) {
        let alpha = 1 / (sigma * sigma + 1).squareRoot()
        return (alpha, sigma * alpha)
    }

    private func lambda(_ pair: (alpha: Float, sigma: Float)) -> Float { Foundation.log(pair.alpha) - Foundation.log(pair.sigma) }

    public func step(modelOutput: Tensor, timestep: Float, sample: Tensor, generator: TorchGenerator?) throws -> Tensor {
        guard !state.timesteps.isEmpty else { throw EngineError.schedulerState("call setTimesteps before step") }
        let index = try state.index(for: timestep)
        try state.checkCanStep(index)
        let count = state.timesteps.count
        let finalLowerOrder = index == count - 1 && (eulerAtFinal || (lowerOrderFinal && count < 15) || !finalSigmaIsMin)
        let current = alphaSigma(state.sigmas[index])
        // Convert the model output to a data (x0) prediction.
        let x0: Tensor
        switch predictionType {
        case .epsilon: x0 = try SchedulerMath.combine(sample, 1 / current.alpha, modelOutput, -current.sigma / current.alpha)
        case .vPrediction: x0 = try SchedulerMath.combine(sample, current.alpha, modelOutput, -current.sigma)
        case .sample: x0 = modelOutput
        }
        let target = alphaSigma(state.sigmas[index + 1])
        let h = lambda(target) - lambda(current)
        let expm = Foundation.exp(-h) - 1
        var result: Tensor
        if solverOrder == 1 || lowerOrderCount < 1 || finalLowerOrder || previousX0 == nil {
            result = try SchedulerMath.combine(sample, target.sigma / current.sigma, x0, -target.alpha * expm)
        } else {
            guard let m1 = previousX0, index >= 1 else { throw EngineError.schedulerState("DPM-Solver++ lost its history") }
            let previous = alphaSigma(state.sigmas[index - 1])
            let h0 = lambda(current) - lambda(previous)
            let r0 = h0 / h
            let d1 = try SchedulerMath.combine(x0, 1 / r0, m1, -1 / r0)
            result = try SchedulerMath.combine(sample, target.sigma / current.sigma, x0, -target.alpha * expm)
            if heun {
                result = try SchedulerMath.combine(result, 1, d1, target.alpha * (expm / h + 1))
            } else {
                result = try SchedulerMath.combine(result, 1, d1, -0.5 * target.alpha * expm)
            }
        }
        previousX0 = x0
        if lowerOrderCount < solverOrder { lowerOrderCount += 1 }
        state.advance()
        return result
    }

    public func addNoise(original: Tensor, noise: Tensor, timestep: Float) throws -> Tensor {
        let pair = alphaSigma(try state.noiseSigma(for: timestep))
        return try SchedulerMath.combine(original, pair.alpha, noise, pair.sigma)
    }
}

extension DPMSolverMultistepScheduler {
    /// The run's sigma table (one per timestep plus the final one), for tests and diagnostics.
    public var sigmasForTesting: [Float] { state.sigmas }
}
