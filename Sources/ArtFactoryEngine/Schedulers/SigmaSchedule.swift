/// Step-index bookkeeping and sigma tables shared by the sigma-parameterised schedulers (Euler,
/// Euler ancestral, DPM-Solver++), following diffusers' `step_index` / `begin_index` rules.
struct SigmaSchedule {
    /// The run's sigmas, one per timestep plus the final one.
    var sigmas: [Float] = []
    var timesteps: [Float] = []
    var stepIndex: Int?
    var beginIndex: Int?

    /// Current step index, initialised from `timestep` (or the begin index) on first use.
    mutating func index(for timestep: Float) throws -> Int {
        if let stepIndex { return stepIndex }
        let start: Int
        if let beginIndex {
            start = beginIndex
        } else if let found = SchedulerMath.index(of: timestep, in: timesteps) {
            start = found
        } else {
            throw EngineError.schedulerState("timestep \(timestep) is not one of this run's timesteps")
        }
        guard start < timesteps.count else { throw EngineError.schedulerState("step index \(start) is past the last timestep") }
        stepIndex = start
        return start
    }

    mutating func advance() { stepIndex = (stepIndex ?? 0) + 1 }

    mutating func reset(sigmas: [Float], timesteps: [Float]) {
        self.sigmas = sigmas
        self.timesteps = timesteps
        stepIndex = nil
        beginIndex = nil
    }

    /// The sigma `add_noise` uses for `timestep`, following diffusers' choice of index.
    func noiseSigma(for timestep: Float) throws -> Float {
        let index: Int
        if let beginIndex {
            index = stepIndex ?? beginIndex
        } else if let found = SchedulerMath.index(of: timestep, in: timesteps) {
            index = found
        } else {
            throw EngineError.schedulerState("timestep \(timestep) is not one of this run's timesteps")
        }
        guard index < sigmas.count else { throw EngineError.schedulerState("step index \(index) is out of range") }
        return sigmas[index]
    }

    /// Ensures there is a next sigma.
    func checkCanStep(_ index: Int) throws {
        guard index + 1 < sigmas.count else { throw EngineError.schedulerState("stepped past the last timestep") }
    }

    /// Timesteps for `steps` inference steps with the Euler family's spacing rules (float timesteps).
    static func eulerTimesteps(steps: Int, train: Int, spacing: TimestepSpacing, offset: Int) -> [Double] {
        switch spacing {
        case .linspace:
            return NoiseSchedule.linspace(0, Double(train - 1), steps).map { Double(Float($0)) }.reversed()
        case .leading:
            let ratio = train / steps
            return (0..<steps).reversed().map { Double($0 * ratio + offset) }
        case .trailing:
            let ratio = Double(train) / Double(steps)
            return NoiseSchedule.arangeDown(from: Double(train), to: 0, step: -ratio).map { Double(Float($0.rounded(.toNearestOrEven))) - 1 }
        }
    }
}
