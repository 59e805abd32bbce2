import Foundation
import Testing
@testable import ArtFactoryEngine

/// The tiny SDXL pipeline (Scripts/fixtures/make_sdxl_fixtures.py) against diffusers: each component
/// within 1e-4, and whole generations (txt2img, img2img, Turbo-style few-step runs) at PSNR ≥ 40 dB.
@Suite struct SDXLTests {
    static let folder = EngineFixtures.root + "/sdxl/sdxl-tiny"

    static func references() throws -> SafeTensorsFile {
        try SafeTensorsFile(path: EngineFixtures.root + "/sdxl/sdxl-tiny-reference.safetensors")
    }

    @Test func bothTextEncodersMatchDiffusers() throws {
        let refs = try Self.references()
        let te1 = try CLIPTextModel(directory: Self.folder + "/text_encoder")
        let te2 = try CLIPTextModel(directory: Self.folder + "/text_encoder_2")
        #expect(te1.projectionSize == nil)
        #expect(te2.projectionSize == 6)
        let (hidden1, pooled1) = try te1.encodePenultimate(tokenIDs: EngineFixtures.tokenRows(try refs.tensor(named: "text.input_ids")), clipSkip: 1)
        #expect(pooled1 == nil)
        expectClose(hidden1, try refs.tensor(named: "text.penultimate"), "text_encoder hidden_states[-2]")
        let (hidden2, pooled2) = try te2.encodePenultimate(tokenIDs: EngineFixtures.tokenRows(try refs.tensor(named: "text.input_ids_2")), clipSkip: 1)
        expectClose(hidden2, try refs.tensor(named: "text_2.penultimate"), "text_encoder_2 hidden_states[-2]")
        expectClose(try #require(pooled2), try refs.tensor(named: "text_2.text_embeds"), "text_encoder_2 text_embeds")
    }

    @Test func tokenizersPadAsSDXLDoes() throws {
        let refs = try Self.references()
        let pipeline = try StableDiffusionPipeline.load(path: Self.folder)
        let xl = try #require(pipeline.xl)
        let prompts = ["a photograph of an astronaut riding a horse", "blurry, low quality"]
        #expect(prompts.map { pipeline.tokenizer.weightedWindows($0).windows[0] } == EngineFixtures.tokenRows(try refs.tensor(named: "text.input_ids")))
        #expect(prompts.map { xl.tokenizer2.weightedWindows($0).windows[0] } == EngineFixtures.tokenRows(try refs.tensor(named: "text.input_ids_2")))
        #expect(xl.forceZerosForEmptyPrompt)
    }

    @Test func unetWithAddedConditionsMatchesDiffusers() throws {
        let refs = try Self.references()
        let unet = try UNet2DConditionModel(directory: Self.folder + "/unet")
        #expect(unet.configuration.transformerLayers(forBlock: 2) == 2)
        #expect(unet.addedConditionInputs == 30)
        let conditions = AddedConditions(textEmbeds: try refs.tensor(named: "unet.text_embeds"), timeIDs: try refs.tensor(named: "unet.time_ids"))
        let out = try unet.predict(sample: try refs.tensor(named: "unet.sample"), timestep: 751,
                                   context: try refs.tensor(named: "unet.context"), conditions: conditions)
        expectClose(out, try refs.tensor(named: "unet.out"), "SDXL UNet")
        // Without its added conditions an SDXL UNet refuses to run rather than guessing.
        #expect(throws: EngineError.self) {
            try unet.predict(sample: try refs.tensor(named: "unet.sample"), timestep: 751, context: try refs.tensor(named: "unet.context"))
        }
        var short = conditions
        short.timeIDs = Tensor(shape: [2, 5])
        #expect(throws: EngineError.self) {
            try unet.predict(sample: try refs.tensor(named: "unet.sample"), timestep: 751, context: try refs.tensor(named: "unet.context"), conditions: short)
        }
    }

    @Test func vaeUsesItsOwnScalingFactorAndMatchesDiffusers() throws {
        let refs = try Self.references()
        let vae = try AutoencoderKL(directory: Self.folder + "/vae")
        #expect(vae.scalingFactor == 0.13025)
        expectClose(try vae.decode(latents: try refs.tensor(named: "vae.latents")), try refs.tensor(named: "vae.decoded"), "SDXL VAE decode")
    }

    @Test func folderLoadsAsSDXL() throws {
        let models = try StableDiffusionModels.load(from: Self.folder)
        #expect(models.variant == .sdxl)
        #expect(models.textEncoder2 != nil)
        #expect(try StableDiffusionModels.estimatedBytes(at: Self.folder) == models.byteCount)
    }

    @Test func encoderlessFolderThatIsNoRefinerIsAClearError() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Only text_encoder_2, but no aesthetic-score conditioning: not a refiner, not a base.
        let index: [String: Any] = ["_class_name": "StableDiffusionXLImg2ImgPipeline",
                                    "text_encoder": [NSNull(), NSNull()], "tokenizer": [NSNull(), NSNull()],
                                    "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
                                    "tokenizer_2": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
                                    "vae": ["diffusers", "AutoencoderKL"], "scheduler": ["diffusers", "EulerDiscreteScheduler"]]
        try JSONSerialization.data(withJSONObject: index).write(to: dir.appendingPathComponent("model_index.json"))
        let error = #expect(throws: EngineError.self) { try StableDiffusionModels.load(from: dir.path) }
        #expect(error?.code == "pipeline.unsupported")
        #expect(error?.message.contains("requires_aesthetics_score") == true)
    }

    @Test func mismatchedEncoderWidthsAreAWeightMismatch() throws {
        let te1 = try CLIPTextModel(directory: Self.folder + "/text_encoder")
        let unet = try UNet2DConditionModel(directory: Self.folder + "/unet")
        let vae = try AutoencoderKL(directory: Self.folder + "/vae")
        // The second encoder missing: the 8-wide cross attention does not fit one 4-wide encoder.
        let error = #expect(throws: EngineError.self) { try StableDiffusionModels(textEncoder: te1, unet: unet, vae: vae, source: "test") }
        #expect(error?.code == "weights.mismatch")
        // An encoder without text_projection cannot be SDXL's second encoder.
        let noProjection = #expect(throws: EngineError.self) {
            try StableDiffusionModels(textEncoder: te1, textEncoder2: te1, unet: unet, vae: vae, source: "test")
        }
        #expect(noProjection?.message.contains("text_projection") == true)
    }

    /// SDXL inpainting with the base's 4-channel UNet (latent blending outside the mask) against diffusers'
    /// StableDiffusionXLInpaintPipeline (Scripts/fixtures/make_sdxl_inpaint_fixtures.py), PSNR ≥ 40 dB;
    /// the pixels outside the mask follow the source picture.
    @Test(arguments: SDXLImageTests.cases(index: "sdxl/inpaint/index.json"))
    func inpaintingMatchesDiffusers(_ c: SDXLImageTests.Case) throws {
        let j = c.json
        let pipeline = try StableDiffusionPipeline.load(path: Self.folder)
        var r = GenerationRequest(prompt: j["prompt"] ?? "")
        r.negativePrompt = j["negative_prompt"] ?? ""
        (r.width, r.height) = (Int(j["width"] ?? "") ?? 0, Int(j["height"] ?? "") ?? 0)
        r.steps = Int(j["steps"] ?? "") ?? 0
        r.guidanceScale = Float(j["guidance"] ?? "") ?? -1
        r.seed = UInt64(j["seed"] ?? "") ?? 0
        r.scheduler = SchedulerKind(rawValue: j["scheduler"] ?? "")
        r.strength = j["strength"].flatMap(Double.init)
        let bytes = { (file: String) in [UInt8](try Data(contentsOf: FixtureFiles.url("sdxl/inpaint/\(file)"))) }
        r.initImage = try RGBImage(width: r.width, height: r.height, pixels: bytes(j["init_image"] ?? ""))
        r.mask = try InpaintMask(width: r.width, height: r.height, values: bytes(j["mask"] ?? ""))
        let result = try pipeline.generate(r)
        let expected = try bytes(j["file"] ?? "")
        let value = PipelineImageTests.psnr(result.images[0].pixels, expected)
        #expect(value >= 40, "\(c): PSNR \(value) dB")
    }

    @Test func inpaintingIndexHasTheCases() {
        #expect(SDXLImageTests.cases(index: "sdxl/inpaint/index.json").count == 3)
    }

    @Test func aRefinerDoesNotInpaint() throws {
        let refiner = try StableDiffusionPipeline.load(path: EngineFixtures.root + "/sdxl/sdxl-refiner-tiny")
        var r = GenerationRequest(prompt: "x")
        (r.width, r.height, r.steps) = (64, 48, 1)
        r.initImage = try RGBImage(width: 64, height: 48, pixels: [UInt8](repeating: 0, count: 64 * 48 * 3))
        r.mask = try InpaintMask(width: 64, height: 48, values: [UInt8](repeating: 255, count: 64 * 48))
        let error = #expect(throws: EngineError.self) { try refiner.generate(r) }
        #expect(error?.message.contains("base model") == true)
    }
}

/// diffusers' SDXL (and SD-Turbo-style) images for the tiny pipelines, listed in `sdxl/images/index.json`.
@Suite struct SDXLImageTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let json: [String: String]
        var description: String { name }
    }

    static func cases(index: String = "sdxl/images/index.json") -> [Case] {
        guard let root = try? FixtureFiles.json(index) as? [String: Any],
              let list = root["cases"] as? [[String: Any]] else { return [] }
        return list.compactMap { c in (c["case"] as? String).map { Case(name: $0, json: c.mapValues { "\($0)" }) } }
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: FixtureFiles.url("sdxl/images/\(file)")))
    }

    @Test func indexCoversTextToImageImageToImageAndFewStep() {
        let names = Set(Self.cases().map(\.name))
        for required in ["sdxl-txt2img-euler", "sdxl-txt2img-euler-zero-negative", "sdxl-img2img-euler", "sdxl-turbo-1step",
                         "sd2-turbo-1step"] {
            #expect(names.contains(required), "missing \(required)")
        }
    }

    @Test(arguments: cases())
    func imageMatchesDiffusers(_ c: Case) throws {
        let j = c.json
        let pipelineName = j["pipeline"] ?? ""
        let path = pipelineName == "sdxl-tiny" ? SDXLTests.folder : EngineFixtures.pipeline(pipelineName)
        let pipeline = try StableDiffusionPipeline.load(path: path)
        var r = GenerationRequest(prompt: j["prompt"] ?? "")
        r.negativePrompt = j["negative_prompt"] ?? ""
        r.width = Int(j["width"] ?? "") ?? 0
        r.height = Int(j["height"] ?? "") ?? 0
        r.steps = Int(j["steps"] ?? "") ?? 0
        r.guidanceScale = Float(j["guidance"] ?? "") ?? -1
        r.seed = UInt64(j["seed"] ?? "") ?? 0
        r.scheduler = SchedulerKind(rawValue: j["scheduler"] ?? "")
        r.timestepSpacing = j["spacing"].flatMap(TimestepSpacing.init(rawValue:))
        if let strength = j["strength"] { r.strength = Double(strength) }
        if let file = j["init_image"] {
            r.initImage = try RGBImage(width: r.width, height: r.height, pixels: Self.bytes(file))
        }
        var unetCalls = 0
        let counting = CountingDenoiser(inner: pipeline.unet) { unetCalls += 1 }
        let counted = StableDiffusionPipeline(tokenizer: pipeline.tokenizer, textEncoder: pipeline.textEncoder, unet: counting,
                                              vae: pipeline.vae, schedulerConfig: pipeline.schedulerConfig, xl: pipeline.xl)
        let result = try counted.generate(r)
        let expected = try Self.bytes(j["file"] ?? "")
        #expect(result.images[0].pixels.count == expected.count)
        let value = PipelineImageTests.psnr(result.images[0].pixels, expected)
        #expect(value >= 40, "\(c): PSNR \(value) dB")
        if r.guidanceScale <= 1 && r.initImage == nil {
            #expect(unetCalls == r.steps, "guidance ≤ 1 runs the UNet once per step")
        }
    }
}

/// Counts forward passes of a wrapped denoiser (to check guidance-off runs one UNet pass per step).
final class CountingDenoiser: NoisePredicting, @unchecked Sendable {
    let inner: any NoisePredicting
    let onCall: () -> Void
    init(inner: any NoisePredicting, onCall: @escaping () -> Void) {
        self.inner = inner
        self.onCall = onCall
    }
    var inChannels: Int { inner.inChannels }
    var outChannels: Int { inner.outChannels }
    var addedConditionInputs: Int? { inner.addedConditionInputs }
    func predict(sample: Tensor, timestep: Float, context: Tensor) throws -> Tensor {
        try predict(sample: sample, timestep: timestep, context: context, conditions: nil)
    }
    func predict(sample: Tensor, timestep: Float, context: Tensor, conditions: AddedConditions?) throws -> Tensor {
        onCall()
        return try inner.predict(sample: sample, timestep: timestep, context: context, conditions: conditions)
    }
}
