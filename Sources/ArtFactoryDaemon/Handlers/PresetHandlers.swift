import ArtFactoryProtocol

extension Daemon {
    /// preset.list.
    func registerPresetMethods(_ service: GenerationService) {
        table.register(PresetList.self, on: .worker) { params, _ in
            let model = try service.models.resolve(params.model)
            let width = params.width ?? 512
            let height = params.height ?? 512
            let count = params.count ?? 4
            guard width % 8 == 0, height % 8 == 0, (64...2048).contains(width), (64...2048).contains(height) else {
                throw RPCError.invalidParams("width and height must be multiples of 8 between 64 and 2048")
            }
            guard (1...Generate.maxCount).contains(count) else {
                throw RPCError.invalidParams("count must be between 1 and \(Generate.maxCount)", field: "count")
            }
            let perStep = service.calibration.secondsPerStep(model: model.name, width: width, height: height)
            return PresetList.Result(model: model.name, width: width, height: height, count: count, secondsPerStep: perStep,
                                     presets: QualityPreset.allCases.map { preset in
                                         PresetList.Preset(name: preset.rawValue, steps: preset.steps, upscale: preset.upscale,
                                                           estimatedSeconds: perStep.map { $0 * Double(preset.steps * count) })
                                     })
        }
    }
}
