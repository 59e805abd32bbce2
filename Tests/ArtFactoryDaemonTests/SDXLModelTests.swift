@testable import ArtFactoryDaemon
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// SDXL and Turbo-style models dropped into `models/`, through the real socket: listed with their
/// family, generated with, and few-step presets for Turbo models.
@Suite struct SDXLModelTests {
    static let fixtures = URL(fileURLWithPath: GenerationFixture.tinyModel).deletingLastPathComponent().deletingLastPathComponent().path
    static let sdxl = fixtures + "/sdxl/sdxl-tiny"

    /// `models/sdxl-turbo-tiny`: the tiny SDXL pipeline's components (links) with SDXL-Turbo's scheduler
    /// config (Euler ancestral, trailing spacing).
    static func installTurbo(in models: String) throws {
        let dir = models + "/sdxl-turbo-tiny"
        try FileManager.default.createDirectory(atPath: dir + "/scheduler", withIntermediateDirectories: true)
        for part in ["model_index.json", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2", "unet", "vae"] {
            #expect(symlink(sdxl + "/" + part, dir + "/" + part) == 0)
        }
        let config = """
            {"_class_name": "EulerAncestralDiscreteScheduler", "beta_start": 0.00085, "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "num_train_timesteps": 1000, "prediction_type": "epsilon",
             "steps_offset": 1, "timestep_spacing": "trailing"}
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: dir + "/scheduler/scheduler_config.json"))
    }

    @Test func sdxlAndTurboModelsAreListedWithTheirFamilyAndGenerate() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        #expect(symlink(Self.sdxl, f.home + "/models/sdxl-tiny") == 0)
        try Self.installTurbo(in: f.home + "/models")
        // A tiny decoder in models/ is attached to the models it fits, not listed as a model.
        #expect(symlink(Self.fixtures + "/taesd/taesd-tiny", f.home + "/models/taesdxl-tiny") == 0)
        let c = try f.daemon.client()
        let listed = try c.call(ModelsList.self, NoParams()).models
        #expect(listed.map(\.name) == ["sd1-tiny", "sdxl-tiny", "sdxl-turbo-tiny"])
        #expect(listed.map(\.family) == ["sd1", "sdxl", "turbo"])

        var params = GenerationFixture.params("a lighthouse at dusk", count: 1, steps: 2)
        params.model = "sdxl-tiny"
        params.previewEvery = 1
        let queued = try c.call(Generate.self, params)
        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(done.progress?.totalSteps == 2)

        // Turbo: the draft preset is one step without guidance, decoded by the tiny decoder.
        var turbo = Generate.Params(prompt: "a lighthouse at dusk")
        turbo.model = "sdxl-turbo-tiny"
        turbo.preset = "draft"
        turbo.count = 1
        turbo.width = 64
        turbo.height = 64
        let fast = try c.call(Generate.self, turbo)
        let finished = try f.wait(fast.jobId)
        #expect(finished.status == "succeeded", "\(finished.error ?? "")")
        #expect(finished.progress?.totalSteps == 1)
        // Estimates count the few steps too.
        let presets = try c.call(PresetList.self, .init(model: "sdxl-turbo-tiny")).presets
        #expect(presets.map(\.steps) == [1, 2, 4, 4])
        #expect(try c.call(PresetList.self, .init(model: "sdxl-tiny")).presets.map(\.steps) == [15, 28, 40, 50])
    }

    @Test func anSDXLLoRAIsListedAsSDXLAppliedAndUndoneThroughTheSocket() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        #expect(symlink(Self.sdxl, f.home + "/models/sdxl-tiny") == 0)
        try FileManager.default.createDirectory(atPath: f.home + "/loras", withIntermediateDirectories: true)
        #expect(symlink(Self.fixtures + "/loras/sdxl-tiny/kohya.safetensors", f.home + "/loras/xl-style.safetensors") == 0)
        #expect(symlink(Self.fixtures + "/loras/sd1-tiny/kohya.safetensors", f.home + "/loras/sd1-style.safetensors") == 0)
        let c = try f.daemon.client()
        let listed = try c.call(LorasList.self, NoParams()).loras.first { $0.name == "xl-style" }
        #expect(listed?.baseModel == "sdxl")
        #expect(listed?.modules?["text_encoder_2"] == 18, "\(listed?.modules ?? [:])")

        func image(_ loras: [LoRAWeight]) throws -> Data {
            var p = GenerationFixture.params("a lighthouse at dusk", count: 1, seed: 5, steps: 2)
            p.model = "sdxl-tiny"
            p.loras = loras
            let done = try f.wait(try c.call(Generate.self, p).jobId)
            #expect(done.status == "succeeded", "\(done.error ?? "")")
            let decoded = try ImageDecoder().decode(fileAt: URL(fileURLWithPath: try #require(done.images.first).path))
            return Data(decoded.pixels.bytes)
        }
        let plain = try image([])
        let styled = try image([LoRAWeight(name: "xl-style", weight: 0.8)])
        #expect(styled != plain, "the SDXL LoRA changes the image")
        #expect(try image([]) == plain, "the next request without it gives the same pixels")

        // An SD 1.x LoRA on the SDXL model (now resident) is refused before anything is queued.
        var wrong = GenerationFixture.params("a lighthouse at dusk", count: 1, steps: 2)
        wrong.model = "sdxl-tiny"
        wrong.loras = [LoRAWeight(name: "sd1-style", weight: 1)]
        let before = try c.call(JobList.self, .init()).jobs.count
        do {
            _ = try c.call(Generate.self, wrong)
            Issue.record("an SD 1.x LoRA on SDXL must be refused")
        } catch let e as RPCError {
            #expect(e.code == RPCErrorCode.invalidFile, "\(e.message)")
            #expect(e.message.contains("cannot be applied to this model") && e.message.contains("lora_unet_"), "\(e.message)")
        }
        #expect(try c.call(JobList.self, .init()).jobs.count == before)
    }

    @Test func singleFileSDXLDefaultsToItsNativeSize() {
        let file = Self.fixtures + "/single-file/sdxl-tiny-original.safetensors"
        let entry = ModelRegistry.Entry(name: "sdxl-tiny-original", format: "safetensors", path: file, bytes: 0)
        #expect(ModelRegistry.family(of: entry) == .sdxl)
        #expect(ModelRegistry.nativeSize(of: entry) == 1024)
        let sd1 = ModelRegistry.Entry(name: "x", format: "safetensors", path: Self.fixtures + "/single-file/sd1-tiny-original.safetensors", bytes: 0)
        #expect(ModelRegistry.nativeSize(of: sd1) == 512)
    }
}
