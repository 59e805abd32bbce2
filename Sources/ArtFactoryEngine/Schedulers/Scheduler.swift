/// A diffusion sampler: chooses the timesteps and turns each model prediction into the next latent.
///
/// Use: `setTimesteps(n)`; start from noise × `initNoiseSigma` (or `addNoise` for img2img, after
/// `setBeginIndex`); for each `t` in `timesteps`: feed `scaleModelInput(x, t)` to the model, then
/// `x = step(modelOutput:timestep:sample:generator:)`. Schedulers keep per-run state (the step index,
/// DPM-Solver's history), so use one instance per generation. The math follows diffusers' classes of
/// the same names, value for value.
public protocol Scheduler: AnyObject {
    /// The timesteps of the current run, in the order they are visited (descending).
    var timesteps: [Float] { get }
    /// Standard deviation of the initial noise.
    var initNoiseSigma: Float { get }
    /// Model evaluations per timestep (1 for every scheduler here).
    var order: Int { get }
    /// What the model predicts.
    var predictionType: PredictionType { get }
    /// Chooses `steps` timesteps and resets the run state.
    /// - Throws: `EngineError` when `steps` is out of range for this scheduler.
    func setTimesteps(_ steps: Int) throws
    /// Starts the run at `timesteps[index]` instead of the first one (image-to-image).
    func setBeginIndex(_ index: Int)
    /// Scales the latent before it is given to the model (identity except for the Euler family).
    func scaleModelInput(_ sample: Tensor, timestep: Float) throws -> Tensor
    /// One sampling step from `timestep` to the next.
    /// - Parameter generator: supplies the noise of stochastic schedulers (Euler ancestral, LCM, DDIM with eta > 0).
    func step(modelOutput: Tensor, timestep: Float, sample: Tensor, generator: TorchGenerator?) throws -> Tensor
    /// Noises a clean latent to the level of `timestep` (image-to-image and inpainting).
    func addNoise(original: Tensor, noise: Tensor, timestep: Float) throws -> Tensor
}

/// Builds schedulers from a model's scheduler config.
public enum SchedulerFactory {
    /// A scheduler of `kind`, configured from `config` (missing fields take that class's defaults).
    /// - Parameter karras: overrides `use_karras_sigmas` (DPM++ 2M Karras).
    public static func make(_ kind: SchedulerKind, config: SchedulerConfig, karras: Bool? = nil) throws -> any Scheduler {
        var config = config
        if let karras { config.useKarrasSigmas = karras }
        switch kind {
        case .ddim: return try DDIMScheduler(config: config)
        case .euler: return try EulerDiscreteScheduler(config: config)
        case .eulerAncestral: return try EulerAncestralDiscreteScheduler(config: config)
        case .dpmSolverMultistep: return try DPMSolverMultistepScheduler(config: config)
        case .lcm: return try LCMScheduler(config: config)
        }
    }
}

/// Element-wise helpers the schedulers share (raw pointers; f32 storage, f32 arithmetic as diffusers).
enum SchedulerMath {
    /// a·x + b·y.
    static func combine(_ x: Tensor, _ a: Float, _ y: Tensor, _ b: Float) throws -> Tensor {
        guard x.shape == y.shape else {
            throw EngineError.modelShape("Scheduler input", expected: x.shape, got: y.shape)
        }
        var out = [Float](repeating: 0, count: x.count)
        x.data.withUnsafeBufferPointer { px in
            y.data.withUnsafeBufferPointer { py in
                out.withUnsafeMutableBufferPointer { po in
                    for i in 0..<po.count { po[i] = a * px[i] + b * py[i] }
                }
            }
        }
        return Tensor(shape: x.shape, data: out)
    }

    /// a·x.
    static func scale(_ x: Tensor, _ a: Float) -> Tensor {
        var out = x
        out.data.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] *= a } }
        return out
    }

    /// Clamps every value to [-limit, limit].
    static func clamp(_ x: Tensor, _ limit: Float) -> Tensor {
        var out = x
        out.data.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = min(max(p[i], -limit), limit) } }
        return out
    }

    /// Noise shaped like `like`, from the generator (required).
    static func noise(like tensor: Tensor, _ generator: TorchGenerator?, scheduler: String) throws -> Tensor {
        guard let generator else {
            throw EngineError.schedulerState("\(scheduler) needs a random generator for its noise")
        }
        return try generator.randn(tensor.shape)
    }

    /// Index of `timestep` in `timesteps` (the second match when it appears twice, like diffusers).
    static func index(of timestep: Float, in timesteps: [Float]) -> Int? {
        let matches = timesteps.indices.filter { timesteps[$0] == timestep }
        return matches.count > 1 ? matches[1] : matches.first
    }
}
