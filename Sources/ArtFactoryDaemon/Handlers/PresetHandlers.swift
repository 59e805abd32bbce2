import ArtFactoryProtocol

/// preset.list.
struct PresetHandlers: HandlerGroup {
    let models: ModelRegistry
    let calibration: StepCalibration

    func register(in table: MethodTable) {
        table.register(PresetList.self, on: .worker) { params, _ in
            let model = try models.resolve(params.model)
            let width = params.width ?? 512
            let height = params.height ?? 512
            let count = params.count ?? 4
            guard width % 8 == 0, height % 8 == 0, (64...2048).contains(width), (64...2048).contains(height) else {
                throw RPCError.invalidParams("width and height must be multiples of 8 between 64 and 2048")
            }
            guard (1...Generate.maxCount).contains(count) else {
                throw RPCError.invalidParams("count must be between 1 and \(Generate.maxCount)", field: "count")
            }
            let strength = params.refineStrength ?? UltraRefine.defaultStrength
            let maxSide = params.refineMaxSide ?? UltraRefine.defaultMaxSide
            guard (0.05...1).contains(strength) else { throw RPCError.invalidParams("refineStrength must be between 0.05 and 1", field: "refineStrength") }
            guard (128...2048).contains(maxSide) else { throw RPCError.invalidParams("refineMaxSide must be between 128 and 2048", field: "refineMaxSide") }
            let perStep = calibration.secondsPerStep(model: model.name, width: width, height: height)
            return PresetList.Result(model: model.name, width: width, height: height, count: count, secondsPerStep: perStep,
                                     presets: QualityPreset.allCases.map { preset in
                                         var entry = PresetList.Preset(name: preset.rawValue, steps: preset.steps, upscale: preset.upscale,
                                                                       estimatedSeconds: perStep.map { $0 * Double(preset.steps * count) })
                                         guard preset == .ultra else { return entry }
                                         let refine = UltraRefine(strength: strength, maxSide: maxSide, width: width, height: height, steps: preset.steps)
                                         let (rw, rh) = (width * refine.factor, height * refine.factor)
                                         entry.refineStrength = strength
                                         entry.refineSteps = refine.steps
                                         entry.refineWidth = rw
                                         entry.refineHeight = rh
                                         if let perStep {
                                             // Refining steps scale with pixel count from the base size's measured step time.
                                             entry.estimatedSeconds = (perStep * Double(preset.steps) + refine.estimatedSeconds(perStepAtBase: perStep)) * Double(count)
                                         }
                                         return entry
                                     })
        }
    }
}
