import Foundation
import Testing
@testable import ArtFactoryEngine

@Suite struct SchedulerTests {
    static let shape = [1, 4, 4, 4]

    /// The same linear stand-in for a UNet the fixture script uses.
    static func fakeModel(_ x: Tensor, _ t: Float) -> Tensor {
        let n = x.count
        var out = x
        for i in 0..<n {
            let ramp = Float(i) / Float(n) - 0.5
            out.data[i] = 0.9 * x.data[i] + (t / 1000) * ramp
        }
        return out
    }

    /// max |a - b| / max(1, max |b|).
    static func relativeError(_ a: [Float], _ b: [Double]) -> Double {
        let scale = max(1, b.map(abs).max() ?? 1)
        return zip(a, b).map { abs(Double($0) - $1) }.max().map { $0 / scale } ?? .infinity
    }

    static func cases() throws -> [[String: Any]] {
        let root = try #require(try FixtureFiles.json("schedulers/schedulers.json") as? [String: Any])
        return try #require(root["cases"] as? [[String: Any]])
    }

    static func makeScheduler(_ c: [String: Any]) throws -> any Scheduler {
        let className = try #require(c["class"] as? String)
        let kind = try #require(SchedulerKind(rawValue: className))
        let configObject = try #require(c["config"])
        let configData = try JSONSerialization.data(withJSONObject: configObject)
        let config = try JSONDecoder().decode(SchedulerConfig.self, from: configData)
        return try SchedulerFactory.make(kind, config: config)
    }

    @Test func timestepsSigmasAndStepsMatchDiffusers() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 30)
        for c in cases {
            let name = try #require(c["name"] as? String)
            let scheduler = try Self.makeScheduler(c)
            if let eta = c["eta"] as? Double, let ddim = scheduler as? DDIMScheduler { ddim.eta = Float(eta) }
            try scheduler.setTimesteps(try #require(c["steps"] as? Int))
            let expectedTimesteps = try #require(c["timesteps"] as? [Double])
            #expect(Self.relativeError(scheduler.timesteps, expectedTimesteps) < 1e-6, "\(name): timesteps \(scheduler.timesteps) vs \(expectedTimesteps)")
            let initSigma = try #require(c["init_noise_sigma"] as? Double)
            #expect(abs(Double(scheduler.initNoiseSigma) - initSigma) <= 1e-5 * max(1, initSigma), "\(name): init sigma")
            var x = try TorchGenerator(seed: 1).randn(Self.shape)
            x = SchedulerMath.scale(x, scheduler.initNoiseSigma)
            let generator = TorchGenerator(seed: UInt64(try #require(c["gen_seed"] as? Int)))
            let outputs = try #require(c["outputs"] as? [[Double]])
            #expect(outputs.count == scheduler.timesteps.count)
            for (i, t) in scheduler.timesteps.enumerated() where i < outputs.count {
                let input = try scheduler.scaleModelInput(x, timestep: t)
                x = try scheduler.step(modelOutput: Self.fakeModel(input, t), timestep: t, sample: x, generator: generator)
                let error = Self.relativeError(x.data, outputs[i])
                #expect(error < 1e-5, "\(name): step \(i) relative error \(error)")
            }
        }
    }

    @Test func sigmaTablesMatchDiffusers() throws {
        for c in try Self.cases() {
            guard let sigmas = c["sigmas"] as? [Double] else { continue }
            let scheduler = try Self.makeScheduler(c)
            try scheduler.setTimesteps(try #require(c["steps"] as? Int))
            let ours: [Float]
            switch scheduler {
            case let s as EulerDiscreteScheduler: ours = s.sigmasForTesting
            case let s as EulerAncestralDiscreteScheduler: ours = s.sigmasForTesting
            case let s as DPMSolverMultistepScheduler: ours = s.sigmasForTesting
            default: continue
            }
            #expect(Self.relativeError(ours, sigmas) < 1e-5, "\(c["name"] ?? ""): sigmas")
        }
    }

    @Test func addNoiseMatchesDiffusersForImageToImage() throws {
        for c in try Self.cases() {
            let name = try #require(c["name"] as? String)
            let info = try #require(c["add_noise"] as? [String: Any])
            let scheduler = try Self.makeScheduler(c)
            try scheduler.setTimesteps(try #require(c["steps"] as? Int))
            scheduler.setBeginIndex(try #require(info["begin_index"] as? Int))
            let t = Float(try #require(info["timestep"] as? Double))
            let x0 = try TorchGenerator(seed: 2).randn(Self.shape)
            let noise = try TorchGenerator(seed: 3).randn(Self.shape)
            let noisy = try scheduler.addNoise(original: x0, noise: noise, timestep: t)
            let error = Self.relativeError(noisy.data, try #require(info["result"] as? [Double]))
            #expect(error < 1e-5, "\(name): add_noise relative error \(error)")
        }
    }

    @Test func configFileIsReadAndBadConfigsAreClearErrors() throws {
        let dir = try FixtureFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("scheduler_config.json")
        try #"{"_class_name": "PNDMScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null}"#
            .write(to: url, atomically: true, encoding: .utf8)
        let config = try SchedulerConfig.load(url)
        #expect(config.kind == nil)
        #expect(config.betaSchedule == "scaled_linear")
        #expect(config.stepsOffset == 1)
        let ddim = try SchedulerFactory.make(.ddim, config: config)
        try ddim.setTimesteps(10)
        #expect(ddim.timesteps == [901, 801, 701, 601, 501, 401, 301, 201, 101, 1])

        var bad = config
        bad.betaSchedule = "cubic"
        #expect { try SchedulerFactory.make(.euler, config: bad) } throws: { ($0 as? EngineError)?.code == "scheduler.bad_config" }
        bad = config
        bad.predictionType = "flow"
        #expect { try SchedulerFactory.make(.dpmSolverMultistep, config: bad) } throws: { ($0 as? EngineError)?.code == "scheduler.bad_config" }
        try "{not json".write(to: url, atomically: true, encoding: .utf8)
        #expect { try SchedulerConfig.load(url) } throws: { ($0 as? EngineError)?.code == "scheduler.bad_config" }
        #expect(throws: EngineError.self) { try SchedulerConfig.load(dir.appendingPathComponent("missing.json")) }
    }

    @Test func misuseIsAnErrorNotACrash() throws {
        for kind in SchedulerKind.allCases {
            let scheduler = try SchedulerFactory.make(kind, config: SchedulerConfig())
            let x = Tensor(shape: Self.shape)
            #expect(throws: EngineError.self) { try scheduler.step(modelOutput: x, timestep: 999, sample: x, generator: nil) }
            #expect(throws: EngineError.self) { try scheduler.setTimesteps(0) }
            try scheduler.setTimesteps(4)
            let wrongShape = Tensor(shape: [1, 4, 2, 2])
            #expect(throws: EngineError.self) {
                let t = scheduler.timesteps[0]
                _ = try scheduler.step(modelOutput: wrongShape, timestep: t, sample: x, generator: TorchGenerator(seed: 1))
            }
        }
        let ancestral = try SchedulerFactory.make(.eulerAncestral, config: SchedulerConfig())
        try ancestral.setTimesteps(4)
        let x = Tensor(shape: Self.shape)
        #expect { try ancestral.step(modelOutput: x, timestep: ancestral.timesteps[0], sample: x, generator: nil) }
            throws: { ($0 as? EngineError)?.code == "scheduler.bad_state" }
    }
}
