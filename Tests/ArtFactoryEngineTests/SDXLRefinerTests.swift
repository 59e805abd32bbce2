import Foundation
import Testing
@testable import ArtFactoryEngine

/// The tiny SDXL refiner (Scripts/fixtures/make_sdxl_refiner_fixtures.py) against diffusers: its UNet
/// with aesthetic time ids within 1e-4, the base's `denoising_end` latents within 1e-4, and base → refiner
/// images and the refiner's own image-to-image at PSNR ≥ 40 dB.
@Suite struct SDXLRefinerTests {
    static let folder = EngineFixtures.root + "/sdxl/sdxl-refiner-tiny"

    static func references() throws -> SafeTensorsFile {
        try SafeTensorsFile(path: EngineFixtures.root + "/sdxl/sdxl-refiner-tiny-reference.safetensors")
    }

    static func cases() throws -> [[String: Any]] {
        let root = try #require(try FixtureFiles.json("sdxl/refiner-images/index.json") as? [String: Any])
        return try #require(root["cases"] as? [[String: Any]])
    }

    static func request(_ c: [String: Any]) -> GenerationRequest {
        var r = GenerationRequest(prompt: c["prompt"] as? String ?? "")
        r.negativePrompt = c["negative_prompt"] as? String ?? ""
        r.width = c["width"] as? Int ?? 0
        r.height = c["height"] as? Int ?? 0
        r.steps = c["steps"] as? Int ?? 0
        r.guidanceScale = Float(c["guidance"] as? Double ?? -1)
        r.seed = UInt64(c["seed"] as? Int ?? 0)
        r.scheduler = SchedulerKind(rawValue: c["scheduler"] as? String ?? "")
        return r
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: FixtureFiles.url("sdxl/refiner-images/\(file)")))
    }

    @Test func folderLoadsAsARefiner() throws {
        let models = try StableDiffusionModels.load(from: Self.folder)
        #expect(models.variant == .sdxlRefiner)
        #expect(models.textEncoder2 == nil)
        #expect(models.textEncoder.projectionSize == 6)
        #expect(models.unet.addedConditionInputs == 26)
        #expect(try ModelFamily.detect(path: Self.folder) == .sdxlRefiner)
        let pipeline = try StableDiffusionPipeline.load(path: Self.folder)
        #expect(pipeline.isRefiner)
        #expect(pipeline.xl?.requiresAestheticsScore == true)
        #expect(pipeline.xl?.forceZerosForEmptyPrompt == false)
    }

    @Test func unetWithAestheticTimeIDsMatchesDiffusers() throws {
        let refs = try Self.references()
        let unet = try UNet2DConditionModel(directory: Self.folder + "/unet")
        let conditions = AddedConditions(textEmbeds: try refs.tensor(named: "unet.text_embeds"), timeIDs: try refs.tensor(named: "unet.time_ids"))
        let out = try unet.predict(sample: try refs.tensor(named: "unet.sample"), timestep: 201,
                                   context: try refs.tensor(named: "unet.context"), conditions: conditions)
        expectClose(out, try refs.tensor(named: "unet.out"), "SDXL refiner UNet")
    }

    @Test func baseStopsAtDenoisingEndWithDiffusersLatents() throws {
        let refs = try Self.references()
        let base = try StableDiffusionPipeline.load(path: SDXLTests.folder)
        for c in try Self.cases() where c["split"] != nil {
            var r = Self.request(c)
            r.denoisingEnd = c["split"] as? Double
            let result = try base.generate(r)
            #expect(result.images.isEmpty)
            let latents = try #require(result.latents.first)
            expectClose(latents, try refs.tensor(named: "\(c["case"] ?? "").base_latents"), "\(c["case"] ?? "") base latents")
            // Steps stop at the cut: diffusers runs the timesteps ≥ round(1000 − 1000 · split).
            let planned = try base.plannedSteps(r)
            #expect(planned < r.steps && planned > 0)
        }
    }

    @Test func baseThenRefinerMatchesDiffusers() throws {
        let base = try StableDiffusionPipeline.load(path: SDXLTests.folder)
        let refiner = try StableDiffusionPipeline.load(path: Self.folder)
        for c in try Self.cases() where c["split"] != nil {
            let r = Self.request(c)
            let stage = RefinerStage(handoff: c["split"] as? Double ?? 0)
            var steps: [Int] = []
            var totals = Set<Int>()
            let result = try base.generate(r, refiner: refiner, stage: stage) { p in
                steps.append(p.step)
                totals.insert(p.totalSteps)
                return true
            }
            let expected = try Self.bytes(c["file"] as? String ?? "")
            let value = PipelineImageTests.psnr(result.images[0].pixels, expected)
            #expect(value >= 40, "\(c["case"] ?? ""): PSNR \(value) dB")
            // Progress runs through both stages once: 1...base + refiner steps.
            #expect(steps == Array(1...steps.count))
            #expect(totals == [steps.count])
            #expect(steps.count == r.steps, "the two stages split the schedule, together its \(r.steps) steps")
        }
    }

    @Test func refinerAloneRefinesAPictureWithItsAestheticScores() throws {
        let refiner = try StableDiffusionPipeline.load(path: Self.folder)
        let c = try #require(try Self.cases().first { $0["case"] as? String == "refiner-img2img" })
        var r = Self.request(c)
        r.strength = c["strength"] as? Double
        r.aestheticScore = c["aesthetic_score"] as? Double ?? 0
        r.negativeAestheticScore = c["negative_aesthetic_score"] as? Double ?? 0
        r.initImage = try RGBImage(width: r.width, height: r.height, pixels: Self.bytes(c["init_image"] as? String ?? ""))
        let result = try refiner.generate(r)
        let value = PipelineImageTests.psnr(result.images[0].pixels, try Self.bytes(c["file"] as? String ?? ""))
        #expect(value >= 40, "refiner img2img: PSNR \(value) dB")
        // The aesthetic score is a real condition: another score gives another picture.
        r.aestheticScore = 1
        let other = try refiner.generate(r)
        #expect(PipelineImageTests.psnr(other.images[0].pixels, result.images[0].pixels) < 60)
    }

    @Test func misuseIsAClearError() throws {
        let base = try StableDiffusionPipeline.load(path: SDXLTests.folder)
        let refiner = try StableDiffusionPipeline.load(path: Self.folder)
        var r = GenerationRequest(prompt: "a kite")
        r.width = 64
        r.height = 48
        r.steps = 4
        // A refiner cannot start from a prompt alone.
        let alone = #expect(throws: EngineError.self) { _ = try refiner.generate(r) }
        #expect(alone?.code == "model.refiner")
        #expect(alone?.message.contains("SDXL base") == true)
        // Roles swapped, or a base as the refiner.
        #expect(throws: EngineError.self) { _ = try refiner.generate(r, refiner: base) }
        #expect(throws: EngineError.self) { _ = try base.generate(r, refiner: base) }
        // LoRAs are for the base.
        var patched = refiner
        let lora = #expect(throws: EngineError.self) { _ = try patched.mergeLoRAs([], label: "x") }
        #expect(lora?.code == "lora.unsupportedModel")
        // Split values out of range, a split that leaves the refiner nothing, a start without latents.
        for bad in [0.0, 1.0, -0.2, .nan] {
            #expect(throws: EngineError.self) { _ = try base.generate(r, refiner: refiner, stage: RefinerStage(handoff: bad)) }
        }
        // Two steps (timesteps 501 and 1): a handoff at 0.3 (cut at 700) leaves the base no step.
        var early = r
        early.steps = 2
        #expect(throws: EngineError.self) { _ = try base.generate(early, refiner: refiner, stage: RefinerStage(handoff: 0.3)) }
        var noLatents = r
        noLatents.denoisingStart = 0.5
        #expect(throws: EngineError.self) { _ = try base.generate(noLatents) }
        var wrongShape = r
        wrongShape.denoisingStart = 0.5
        wrongShape.initLatents = [Tensor(shape: [1, 4, 8, 8])]
        #expect(throws: EngineError.self) { _ = try refiner.generate(wrongShape) }
        var badScore = r
        badScore.initLatents = [Tensor(shape: [1, 4, 6, 8])]
        badScore.denoisingStart = 0.5
        badScore.aestheticScore = 11
        #expect(throws: EngineError.self) { _ = try refiner.generate(badScore) }
    }
}
