@testable import ArtFactoryDaemon
import ArtFactoryEngine
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// SDXL base + refiner through the real socket: a refiner dropped into `models/` is listed as such,
/// `refiner` runs the two stages (the same pixels as the engine, progress over both stages), Ultra picks
/// the only refiner by default, and misuse is refused before anything is queued.
@Suite struct SDXLRefinerDaemonTests {
    static let refiner = SDXLModelTests.fixtures + "/sdxl/sdxl-refiner-tiny"

    static func install(_ f: GenerationFixture) {
        #expect(symlink(SDXLModelTests.sdxl, f.home + "/models/sdxl-tiny") == 0)
        #expect(symlink(Self.refiner, f.home + "/models/sdxl-refiner-tiny") == 0)
    }

    /// The diffusers fixture's first two-stage case as generate params (64 px high: the daemon's minimum).
    static func params() -> Generate.Params {
        var p = Generate.Params(prompt: "a photograph of an astronaut riding a horse")
        p.negativePrompt = "blurry, low quality"
        p.model = "sdxl-tiny"
        p.count = 1
        p.seed = 1234
        p.steps = 10
        p.guidance = 5
        p.sampler = "euler"
        p.width = 64
        p.height = 64
        p.precision = "f32"
        p.useProfile = false
        return p
    }

    @Test func aRefinerFinishesSDXLImagesAsTheEngineDoes() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        Self.install(f)
        let watcher = try f.daemon.client()
        _ = try watcher.call(EventsSubscribe.self, .init(topics: ["job"]))
        let c = try f.daemon.client()
        let listed = try c.call(ModelsList.self, NoParams()).models
        #expect(listed.first { $0.name == "sdxl-refiner-tiny" }?.family == "sdxl-refiner")

        var p = Self.params()
        p.refiner = "sdxl-refiner-tiny"
        p.refinerHandoff = 0.7
        let queued = try c.call(Generate.self, p)
        let (progress, final) = try GenerationOptionsTests.follow(watcher, job: queued.jobId)
        let info = try #require(final)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        // Progress counts both stages' steps once, the base's first (notifications are throttled, so
        // not every step is seen; the last always is).
        let steps = progress.map(\.step)
        #expect(steps == steps.sorted() && Set(steps).count == steps.count && steps.last == 10, "\(steps)")
        #expect(Set(progress.map(\.totalSteps)) == [10])
        #expect(progress.first?.stage == "base")
        #expect(progress.last?.stage == "refiner")
        let recorded = try GenerationOptionsTests.recordedParameters(info.images[0].path)
        #expect(recorded["refiner"] == "sdxl-refiner-tiny")
        #expect(recorded["refinerHandoff"] == .double(0.7))
        #expect(recorded["aestheticScore"] == .double(6))
        let chunks = try PNGTextChunk.readAll(from: Data(contentsOf: URL(fileURLWithPath: info.images[0].path)))
        let a1111 = try #require(chunks.first { $0.keyword == "parameters" }?.text)
        #expect(a1111.contains("Refiner: sdxl-refiner-tiny"), "\(a1111)")
        #expect(a1111.contains("Refiner switch at: 0.7"), "\(a1111)")

        // The stored pixels are the engine's two-stage output (itself within 40 dB of diffusers).
        let base = try StableDiffusionPipeline.load(path: SDXLModelTests.sdxl)
        let refiner = try StableDiffusionPipeline.load(path: Self.refiner)
        var r = GenerationRequest(prompt: p.prompt ?? "")
        r.negativePrompt = p.negativePrompt ?? ""
        (r.width, r.height, r.steps, r.guidanceScale, r.seed, r.scheduler) = (64, 64, 10, 5, 1234, .euler)
        let expected = try base.generate(r, refiner: refiner, stage: RefinerStage(handoff: 0.7)).images[0]
        let stored = try PNGDecoder.decode(Data(contentsOf: URL(fileURLWithPath: info.images[0].path))).rgb()
        #expect(stored.bytes == expected.pixels)

        // `again` repeats the two stages.
        let again = try f.wait(try c.call(Generate.self, { var a = Generate.Params(); a.again = queued.generationId; return a }()).jobId)
        #expect(again.status == "succeeded", "\(again.error ?? "")")
        #expect(try GenerationOptionsTests.recordedParameters(again.images[0].path)["refiner"] == "sdxl-refiner-tiny")
    }

    /// A single-file refiner (original SGM layout) dropped into `models/` is listed as a refiner and finishes
    /// the base's images as the engine does with that file; used as a base model it is refused.
    @Test func aSingleFileRefinerFinishesSDXLImages() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let file = SDXLModelTests.fixtures + "/single-file/sdxl-refiner-tiny-original.safetensors"
        #expect(symlink(SDXLModelTests.sdxl, f.home + "/models/sdxl-tiny") == 0)
        #expect(symlink(file, f.home + "/models/refiner-file.safetensors") == 0)
        let c = try f.daemon.client()
        let listed = try c.call(ModelsList.self, NoParams()).models
        #expect(listed.first { $0.name == "refiner-file" }?.family == "sdxl-refiner")
        var p = Self.params()
        p.steps = 4
        p.refiner = "refiner-file"
        p.refinerHandoff = 0.5
        let info = try f.wait(try c.call(Generate.self, p).jobId)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        #expect(try GenerationOptionsTests.recordedParameters(info.images[0].path)["refiner"] == "refiner-file")
        let base = try StableDiffusionPipeline.load(path: SDXLModelTests.sdxl)
        let refiner = try StableDiffusionPipeline.load(path: file)
        var r = GenerationRequest(prompt: p.prompt ?? "")
        r.negativePrompt = p.negativePrompt ?? ""
        (r.width, r.height, r.steps, r.guidanceScale, r.seed, r.scheduler) = (64, 64, 4, 5, 1234, .euler)
        let expected = try base.generate(r, refiner: refiner, stage: RefinerStage(handoff: 0.5)).images[0]
        let stored = try PNGDecoder.decode(Data(contentsOf: URL(fileURLWithPath: info.images[0].path))).rgb()
        // The daemon runs OpenBLAS's Haswell kernel (TestSupport's DaemonProcess), this process the one it
        // detects: the pixels may differ by a rounding step, not more.
        let value = SDXLInpaintDaemonTests.psnr(stored.bytes, expected.pixels)
        #expect(stored.bytes.count == expected.pixels.count && value >= 45, "daemon against the engine: PSNR \(value) dB")
        var asBase = Self.params()
        asBase.model = "refiner-file"
        #expect { try c.call(Generate.self, asBase) } throws: { error in
            (error as? RPCError)?.message.contains("refiner") == true
        }
    }

    @Test func ultraUsesTheOnlyRefinerUnlessToldOtherwise() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        Self.install(f)
        let c = try f.daemon.client()
        var ultra = Self.params()
        ultra.preset = "ultra"
        ultra.steps = 4
        ultra.refineMaxSide = 128
        let info = try f.wait(try c.call(Generate.self, ultra).jobId)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        #expect(try GenerationOptionsTests.recordedParameters(info.images[0].path)["refiner"] == "sdxl-refiner-tiny")
        // refiner none turns it off; Standard does not use one unless named.
        var off = ultra
        off.refiner = "none"
        let plain = try f.wait(try c.call(Generate.self, off).jobId)
        #expect(try GenerationOptionsTests.recordedParameters(plain.images[0].path)["refiner"] == nil)
        var standard = Self.params()
        standard.steps = 4
        let std = try f.wait(try c.call(Generate.self, standard).jobId)
        #expect(try GenerationOptionsTests.recordedParameters(std.images[0].path)["refiner"] == nil)
        // config.json modelRefiner "none" turns Ultra's default off for that base.
        try Data(#"{"modelRefiner": {"sdxl-tiny": "none"}}"#.utf8).write(to: URL(fileURLWithPath: f.home + "/config.json"))
        let configured = try f.wait(try c.call(Generate.self, ultra).jobId)
        #expect(try GenerationOptionsTests.recordedParameters(configured.images[0].path)["refiner"] == nil)
    }

    @Test func misuseIsRefusedAndNothingIsQueued() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        Self.install(f)
        let c = try f.daemon.client()
        let cases: [(String, (inout Generate.Params) -> Void, String)] = [
            ("refiner as the model", { $0.model = "sdxl-refiner-tiny" }, "SDXL refiner"),
            ("refiner on an SD 1.x model", { $0.model = "sd1-tiny"; $0.refiner = "sdxl-refiner-tiny" }, "SDXL base"),
            ("a base as the refiner", { $0.refiner = "sdxl-tiny" }, "not an SDXL refiner"),
            ("an unknown refiner", { $0.refiner = "nope" }, "Unknown model"),
            ("handoff without a refiner", { $0.refinerHandoff = 0.8 }, "refiner"),
            ("handoff out of range", { $0.refiner = "sdxl-refiner-tiny"; $0.refinerHandoff = 0.99 }, "refinerHandoff"),
            ("aesthetic score out of range", { $0.refiner = "sdxl-refiner-tiny"; $0.aestheticScore = 12 }, "aestheticScore"),
            ("too few steps to split", { $0.refiner = "sdxl-refiner-tiny"; $0.steps = 1 }, "split"),
        ]
        for (label, edit, words) in cases {
            var p = Self.params()
            edit(&p)
            do {
                _ = try c.call(Generate.self, p)
                Issue.record("\(label): expected an error")
            } catch let e as RPCError {
                #expect([RPCErrorCode.invalidParams, RPCErrorCode.notFound].contains(e.code), "\(label): \(e.message)")
                #expect(e.message.contains(words), "\(label): \(e.message)")
            }
        }
        #expect(try c.call(JobList.self, .init()).jobs.isEmpty)
        // A config.json naming a model that is not a refiner is an error that names the setting.
        try Data(#"{"modelRefiner": {"sdxl-tiny": "sd1-tiny"}}"#.utf8).write(to: URL(fileURLWithPath: f.home + "/config.json"))
        var ultra = Self.params()
        ultra.preset = "ultra"
        let error = #expect(throws: RPCError.self) { _ = try c.call(Generate.self, ultra) }
        #expect(error?.message.contains("modelRefiner") == true, "\(error?.message ?? "")")
    }
}
