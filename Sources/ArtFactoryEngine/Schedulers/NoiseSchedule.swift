import Foundation

/// The training noise schedule (betas and cumulative alpha products) and the timestep/sigma helpers
/// the schedulers share, computed with diffusers' precision: betas and products stored in f32, the
/// products accumulated in f64 as torch's CPU `cumprod` does.
struct NoiseSchedule: Sendable {
    let trainSteps: Int
    /// ᾱ_t for t in 0..<trainSteps.
    let alphasCumprod: [Float]

    init(config: SchedulerConfig, defaultBetaStart: Double, defaultBetaEnd: Double, defaultSchedule: String) throws {
        let steps = config.numTrainTimesteps ?? 1000
        guard steps >= 2, steps <= 100_000 else { throw EngineError.schedulerConfig("num_train_timesteps \(steps) is out of range") }
        trainSteps = steps
        let betas: [Float]
        if let trained = config.trainedBetas {
            guard trained.count == steps else {
                throw EngineError.schedulerConfig("trained_betas has \(trained.count) values for \(steps) timesteps")
            }
            betas = trained.map { Float($0) }
        } else {
            let start = config.betaStart ?? defaultBetaStart
            let end = config.betaEnd ?? defaultBetaEnd
            switch config.betaSchedule ?? defaultSchedule {
            case "linear":
                betas = Self.linspaceF32(Float(start), Float(end), steps)
            case "scaled_linear":
                betas = Self.linspaceF32(Float(start.squareRoot()), Float(end.squareRoot()), steps).map { $0 * $0 }
            case "squaredcos_cap_v2":
                func alphaBar(_ t: Double) -> Double { pow(cos((t + 0.008) / 1.008 * Double.pi / 2), 2) }
                betas = (0..<steps).map { i in
                    let t1 = Double(i) / Double(steps), t2 = Double(i + 1) / Double(steps)
                    return Float(min(1 - alphaBar(t2) / alphaBar(t1), 0.999))
                }
            case let other:
                throw EngineError.schedulerConfig("beta_schedule '\(other)' is not supported (use linear, scaled_linear or squaredcos_cap_v2)")
            }
        }
        guard betas.allSatisfy({ $0 > 0 && $0 < 1 }) else { throw EngineError.schedulerConfig("betas must lie in (0, 1)") }
        var product = 1.0
        alphasCumprod = betas.map { beta in
            product *= Double(1 - beta)
            return Float(product)
        }
    }

    /// torch.linspace in f32: the first half counts up from `start`, the second half down from `end`.
    static func linspaceF32(_ start: Float, _ end: Float, _ count: Int) -> [Float] {
        guard count > 1 else { return [start] }
        let step = (end - start) / Float(count - 1)
        let half = count / 2
        return (0..<count).map { i in i < half ? start + step * Float(i) : end - step * Float(count - i - 1) }
    }

    /// np.linspace(start, end, count) in f64.
    static func linspace(_ start: Double, _ end: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (end - start) / Double(count - 1)
        return (0..<count).map { i in i == count - 1 ? end : start + Double(i) * step }
    }

    /// np.arange(start, stop, step) for a negative step.
    static func arangeDown(from start: Double, to stop: Double, step: Double) -> [Double] {
        let count = Int(((stop - start) / step).rounded(.up))
        return (0..<max(0, count)).map { start + Double($0) * step }
    }

    /// Sigma per training timestep, √((1-ᾱ)/ᾱ), in f32 like diffusers.
    var sigmas: [Float] { alphasCumprod.map { ((1 - $0) / $0).squareRoot() } }

    /// np.interp(x, 0..<n, values).
    static func interpolate(_ x: Double, _ values: [Float]) -> Double {
        if x <= 0 { return Double(values[0]) }
        if x >= Double(values.count - 1) { return Double(values[values.count - 1]) }
        let low = Int(x.rounded(.down))
        let w = x - Double(low)
        return Double(values[low]) * (1 - w) + Double(values[low + 1]) * w
    }

    /// Continuous timestep for a sigma by log-sigma interpolation (diffusers' `_sigma_to_t`).
    static func timestep(forSigma sigma: Double, logSigmas: [Float]) -> Double {
        let logSigma = log(max(sigma, 1e-10))
        var lowIndex = 0
        for (i, value) in logSigmas.enumerated() where logSigma - Double(value) >= 0 { lowIndex = i }
        lowIndex = min(lowIndex, logSigmas.count - 2)
        let low = Double(logSigmas[lowIndex]), high = Double(logSigmas[lowIndex + 1])
        let w = min(max((low - logSigma) / (low - high), 0), 1)
        return (1 - w) * Double(lowIndex) + w * Double(lowIndex + 1)
    }

    /// Karras et al. (2022) sigmas, ρ = 7, from `sigmaMax` down to `sigmaMin`.
    static func karrasSigmas(min sigmaMin: Double, max sigmaMax: Double, count: Int) -> [Double] {
        let rho = 7.0
        let minInv = pow(sigmaMin, 1 / rho), maxInv = pow(sigmaMax, 1 / rho)
        return linspace(0, 1, count).map { pow(maxInv + $0 * (minInv - maxInv), rho) }
    }
}
