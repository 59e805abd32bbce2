import ArtFactoryProtocol

/// preset.list.
struct PresetHandlers: HandlerGroup {
    let models: ModelRegistry
    let calibration: StepCalibration
    let upscalers: UpscalerRegistry

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
            guard (0.05...1).contains(strength) else { throw RPCError.invalidParams("refineStrength must be between 0.05 and 1", field: "refineStrength") }
            if let maxSide = params.refineMaxSide, !(128...2048).contains(maxSide) {
                throw RPCError.invalidParams("refineMaxSide must be between 128 and 2048", field: "refineMaxSide")
            }
            let perStep = calibration.secondsPerStep(model: model.name, width: width, height: height)
            let upscalerName = (try? upscalers.resolve(nil))?.name ?? "lanczos"
            // Few-step (turbo) models run 1-4 steps per preset (see QualityPreset.fewSteps).
            let fewStep = ModelRegistry.family(of: model)?.isFewStep == true
            return PresetList.Result(model: model.name, width: width, height: height, count: count, secondsPerStep: perStep,
                                     presets: QualityPreset.allCases.map { preset in
                                         let steps = fewStep ? preset.fewSteps : preset.steps
                                         var entry = PresetList.Preset(name: preset.rawValue, steps: steps, upscale: preset.upscale,
                                                                       estimatedSeconds: perStep.map { $0 * Double(steps * count) })
                                         if preset.upscale > 1 { entry.upscaler = upscalerName }
                                         guard preset == .ultra else { return entry }
                                         let refine = params.refineMaxSide.map {
                                             UltraRefine(strength: strength, maxSide: $0, width: width, height: height, steps: steps)
                                         } ?? UltraRefine(strength: strength, tiledFor: width, height: height, steps: steps)
                                         entry.refineStrength = strength
                                         entry.refineSteps = refine.steps
                                         entry.refineWidth = width * refine.factor
                                         entry.refineHeight = height * refine.factor
                                         if let tiles = refine.tiles(baseWidth: width, height: height) {
                                             (entry.refineTiles, entry.refineTileWidth, entry.refineTileHeight) = (tiles.count, tiles.tileWidth, tiles.tileHeight)
                                         }
                                         if let perStep {
                                             // Refining steps cost base steps by pixel count: tiles × steps when tiled.
                                             entry.estimatedSeconds = (perStep * Double(steps)
                                                 + refine.estimatedSeconds(perStepAtBase: perStep, baseWidth: width, height: height)) * Double(count)
                                         }
                                         return entry
                                     })
        }
    }
}
