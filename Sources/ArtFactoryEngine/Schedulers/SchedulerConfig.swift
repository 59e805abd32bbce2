import Foundation

/// The schedulers the engine implements, named as diffusers names their classes.
public enum SchedulerKind: String, Sendable, CaseIterable, Codable {
    case ddim = "DDIMScheduler"
    case euler = "EulerDiscreteScheduler"
    case eulerAncestral = "EulerAncestralDiscreteScheduler"
    case dpmSolverMultistep = "DPMSolverMultistepScheduler"
    case lcm = "LCMScheduler"
}

/// `scheduler/scheduler_config.json` as diffusers writes it. Every field is optional: a missing field
/// takes the default of the scheduler class it is used with (as diffusers' `from_config` does), so one
/// model's config can configure any scheduler kind.
public struct SchedulerConfig: Codable, Sendable, Equatable {
    public var className: String?
    public var numTrainTimesteps: Int?
    public var betaStart: Double?
    public var betaEnd: Double?
    public var betaSchedule: String?
    public var trainedBetas: [Double]?
    public var predictionType: String?
    public var timestepSpacing: String?
    public var stepsOffset: Int?
    public var setAlphaToOne: Bool?
    public var clipSample: Bool?
    public var clipSampleRange: Double?
    public var thresholding: Bool?
    public var useKarrasSigmas: Bool?
    public var solverOrder: Int?
    public var algorithmType: String?
    public var solverType: String?
    public var lowerOrderFinal: Bool?
    public var eulerAtFinal: Bool?
    public var finalSigmasType: String?
    public var originalInferenceSteps: Int?
    public var timestepScaling: Double?
    public var interpolationType: String?
    public var timestepType: String?
    public var rescaleBetasZeroSnr: Bool?

    enum CodingKeys: String, CodingKey {
        case className = "_class_name"
        case numTrainTimesteps = "num_train_timesteps", betaStart = "beta_start", betaEnd = "beta_end"
        case betaSchedule = "beta_schedule", trainedBetas = "trained_betas", predictionType = "prediction_type"
        case timestepSpacing = "timestep_spacing", stepsOffset = "steps_offset", setAlphaToOne = "set_alpha_to_one"
        case clipSample = "clip_sample", clipSampleRange = "clip_sample_range", thresholding
        case useKarrasSigmas = "use_karras_sigmas", solverOrder = "solver_order", algorithmType = "algorithm_type"
        case solverType = "solver_type", lowerOrderFinal = "lower_order_final", eulerAtFinal = "euler_at_final"
        case finalSigmasType = "final_sigmas_type", originalInferenceSteps = "original_inference_steps"
        case timestepScaling = "timestep_scaling", interpolationType = "interpolation_type"
        case timestepType = "timestep_type", rescaleBetasZeroSnr = "rescale_betas_zero_snr"
    }

    /// An empty configuration: every scheduler uses its own defaults.
    public init() {}

    /// Decodes a configuration, ignoring fields the engine does not use; `null` counts as missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        className = try c.decodeIfPresent(String.self, forKey: .className)
        numTrainTimesteps = try c.decodeIfPresent(Int.self, forKey: .numTrainTimesteps)
        betaStart = try c.decodeIfPresent(Double.self, forKey: .betaStart)
        betaEnd = try c.decodeIfPresent(Double.self, forKey: .betaEnd)
        betaSchedule = try c.decodeIfPresent(String.self, forKey: .betaSchedule)
        trainedBetas = try c.decodeIfPresent([Double].self, forKey: .trainedBetas)
        predictionType = try c.decodeIfPresent(String.self, forKey: .predictionType)
        timestepSpacing = try c.decodeIfPresent(String.self, forKey: .timestepSpacing)
        stepsOffset = try c.decodeIfPresent(Int.self, forKey: .stepsOffset)
        setAlphaToOne = try c.decodeIfPresent(Bool.self, forKey: .setAlphaToOne)
        clipSample = try c.decodeIfPresent(Bool.self, forKey: .clipSample)
        clipSampleRange = try c.decodeIfPresent(Double.self, forKey: .clipSampleRange)
        thresholding = try c.decodeIfPresent(Bool.self, forKey: .thresholding)
        useKarrasSigmas = try c.decodeIfPresent(Bool.self, forKey: .useKarrasSigmas)
        solverOrder = try c.decodeIfPresent(Int.self, forKey: .solverOrder)
        algorithmType = try c.decodeIfPresent(String.self, forKey: .algorithmType)
        solverType = try c.decodeIfPresent(String.self, forKey: .solverType)
        lowerOrderFinal = try c.decodeIfPresent(Bool.self, forKey: .lowerOrderFinal)
        eulerAtFinal = try c.decodeIfPresent(Bool.self, forKey: .eulerAtFinal)
        finalSigmasType = try c.decodeIfPresent(String.self, forKey: .finalSigmasType)
        originalInferenceSteps = try c.decodeIfPresent(Int.self, forKey: .originalInferenceSteps)
        timestepScaling = try c.decodeIfPresent(Double.self, forKey: .timestepScaling)
        interpolationType = try c.decodeIfPresent(String.self, forKey: .interpolationType)
        timestepType = try c.decodeIfPresent(String.self, forKey: .timestepType)
        rescaleBetasZeroSnr = try c.decodeIfPresent(Bool.self, forKey: .rescaleBetasZeroSnr)
    }

    /// Reads `scheduler_config.json`.
    /// - Throws: `EngineError` (`scheduler.bad_config`) naming the file when it is missing or malformed.
    public static func load(_ url: URL) throws -> SchedulerConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EngineError.schedulerConfig("\(url.path) cannot be read")
        }
        do { return try JSONDecoder().decode(SchedulerConfig.self, from: data) } catch {
            throw EngineError.schedulerConfig("\(url.path) is not a valid scheduler config (\(error))")
        }
    }

    /// The scheduler class named in the file, when the engine implements it.
    public var kind: SchedulerKind? { className.flatMap(SchedulerKind.init(rawValue:)) }
}

/// What the model predicts.
public enum PredictionType: String, Sendable {
    case epsilon
    case vPrediction = "v_prediction"
    case sample
}

/// How inference timesteps are spread over the training range (Table 2 of "Common Diffusion Noise
/// Schedules and Sample Steps are Flawed").
public enum TimestepSpacing: String, Sendable {
    case linspace, leading, trailing
}

extension SchedulerConfig {
    func resolvedPrediction() throws -> PredictionType {
        let raw = predictionType ?? "epsilon"
        guard let value = PredictionType(rawValue: raw) else {
            throw EngineError.schedulerConfig("prediction_type '\(raw)' is not supported (use epsilon, v_prediction or sample)")
        }
        return value
    }

    func resolvedSpacing(default fallback: TimestepSpacing) throws -> TimestepSpacing {
        guard let raw = timestepSpacing else { return fallback }
        guard let value = TimestepSpacing(rawValue: raw) else {
            throw EngineError.schedulerConfig("timestep_spacing '\(raw)' is not supported (use linspace, leading or trailing)")
        }
        return value
    }

    func rejectUnsupported() throws {
        if thresholding == true { throw EngineError.schedulerConfig("thresholding is not supported") }
        if rescaleBetasZeroSnr == true { throw EngineError.schedulerConfig("rescale_betas_zero_snr is not supported") }
        if let type = timestepType, type != "discrete" {
            throw EngineError.schedulerConfig("timestep_type '\(type)' is not supported")
        }
        if let type = interpolationType, type != "linear" {
            throw EngineError.schedulerConfig("interpolation_type '\(type)' is not supported")
        }
    }
}
