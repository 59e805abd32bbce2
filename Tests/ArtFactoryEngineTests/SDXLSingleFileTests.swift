import Foundation
import Testing
@testable import ArtFactoryEngine

/// Single-file SDXL checkpoints (original SGM key layout; Scripts/fixtures/make_single_file_sdxl_fixtures.py)
/// and family detection.
@Suite struct SDXLSingleFileTests {
    static let file = EngineFixtures.root + "/single-file/sdxl-tiny-original.safetensors"

    @Test func variantAndArchitectureAreInferredFromShapes() throws {
        let checkpoint = try SingleFileCheckpoint(path: Self.file)
        #expect(checkpoint.variant == .sdxl)
        let u = checkpoint.unetConfiguration
        #expect(u.downBlockTypes == ["DownBlock2D", "CrossAttnDownBlock2D"])
        #expect(u.transformerLayers(forBlock: 1) == 2)
        #expect(u.usesTextTimeEmbedding && u.additionTimeEmbedDim == 8 && u.projectionClassEmbeddingsInputDim == 64)
        #expect(checkpoint.vaeConfiguration.scalingFactor == 0.13025)
        #expect(checkpoint.textConfiguration.hiddenAct == "quick_gelu")
        #expect(checkpoint.textConfiguration2?.hiddenAct == "gelu")
        #expect(checkpoint.textConfiguration2?.numHiddenLayers == 2)
    }

    @Test func loadsTheWeightsDiffusersConvertsItTo() throws {
        let refs = try SafeTensorsFile(path: EngineFixtures.root + "/single-file/sdxl-tiny-original-reference.safetensors")
        let models = try StableDiffusionModels.load(from: Self.file)
        #expect(models.variant == .sdxl)
        let te2 = try #require(models.textEncoder2)
        let ids = EngineFixtures.tokenRows(try refs.tensor(named: "text.input_ids"))
        expectClose(try models.textEncoder.encodePenultimate(tokenIDs: ids, clipSkip: 1).hiddenStates,
                    try refs.tensor(named: "text.penultimate"), "single-file CLIP ViT-L")
        let (hidden2, pooled) = try te2.encodePenultimate(tokenIDs: ids, clipSkip: 1)
        expectClose(hidden2, try refs.tensor(named: "text_2.penultimate"), "single-file OpenCLIP")
        expectClose(try #require(pooled), try refs.tensor(named: "text_2.text_embeds"), "single-file OpenCLIP text_projection")
        let conditions = AddedConditions(textEmbeds: try refs.tensor(named: "unet.text_embeds"), timeIDs: try refs.tensor(named: "unet.time_ids"))
        let out = try models.unet.predict(sample: try refs.tensor(named: "unet.sample"), timestep: 321,
                                          context: try refs.tensor(named: "unet.context"), conditions: conditions)
        expectClose(out, try refs.tensor(named: "unet.out"), "single-file SDXL UNet (label_emb)")
        expectClose(try models.vae.decode(latents: try refs.tensor(named: "vae.latents")), try refs.tensor(named: "vae.decoded"), "single-file SDXL VAE")
        let pipeline = try StableDiffusionPipeline.load(path: Self.file)
        #expect(pipeline.xl?.tokenizer2.padID == 0)
    }

    static let refinerFile = EngineFixtures.root + "/single-file/sdxl-refiner-tiny-original.safetensors"

    /// A single-file SDXL refiner (Scripts/fixtures/make_single_file_refiner_fixtures.py): its one OpenCLIP
    /// encoder under `conditioner.embedders.0.model`, five time ids, the weights diffusers converts it to, and a
    /// pipeline that is a refiner (aesthetic scores, `!` padding).
    @Test func refinerFileLoadsAsASecondStage() throws {
        let checkpoint = try SingleFileCheckpoint(path: Self.refinerFile)
        #expect(checkpoint.variant == .sdxlRefiner)
        #expect(checkpoint.textConfiguration2 == nil)
        #expect(checkpoint.textConfiguration.hiddenAct == "gelu" && checkpoint.textConfiguration.numHiddenLayers == 2)
        let u = checkpoint.unetConfiguration
        #expect(u.downBlockTypes == ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"])
        #expect(u.transformerLayers(forBlock: 1) == 2 && u.transformerLayers(forBlock: 2) == 2)
        #expect(u.usesTextTimeEmbedding && u.additionTimeEmbedDim == 8 && u.projectionClassEmbeddingsInputDim == 56)
        #expect(try ModelFamily.detect(path: Self.refinerFile) == .sdxlRefiner)

        let refs = try SafeTensorsFile(path: EngineFixtures.root + "/single-file/sdxl-refiner-tiny-original-reference.safetensors")
        let models = try StableDiffusionModels.load(from: Self.refinerFile)
        #expect(models.variant == .sdxlRefiner)
        let ids = EngineFixtures.tokenRows(try refs.tensor(named: "text.input_ids"))
        let (hidden, pooled) = try models.textEncoder.encodePenultimate(tokenIDs: ids, clipSkip: 1)
        expectClose(hidden, try refs.tensor(named: "text.penultimate"), "single-file refiner OpenCLIP")
        expectClose(try #require(pooled), try refs.tensor(named: "text.text_embeds"), "single-file refiner text_projection")
        let conditions = AddedConditions(textEmbeds: try refs.tensor(named: "unet.text_embeds"), timeIDs: try refs.tensor(named: "unet.time_ids"))
        let out = try models.unet.predict(sample: try refs.tensor(named: "unet.sample"), timestep: 321,
                                          context: try refs.tensor(named: "unet.context"), conditions: conditions)
        expectClose(out, try refs.tensor(named: "unet.out"), "single-file refiner UNet (five time ids)")
        expectClose(try models.vae.decode(latents: try refs.tensor(named: "vae.latents")), try refs.tensor(named: "vae.decoded"),
                    "single-file refiner VAE")
        let pipeline = try StableDiffusionPipeline.load(path: Self.refinerFile)
        #expect(pipeline.isRefiner)
        #expect(pipeline.xl?.requiresAestheticsScore == true && pipeline.xl?.forceZerosForEmptyPrompt == false)
        #expect(pipeline.xl?.tokenizer2.padID == 0)
        // Used as a base model, it is refused with the reason.
        var request = GenerationRequest(prompt: "a lighthouse")
        (request.width, request.height, request.steps) = (64, 64, 2)
        #expect(throws: EngineError.self) { try pipeline.generate(request) }
    }

    /// Writes a safetensors file holding one small tensor under each of `keys`.
    static func stub(_ keys: [String], name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try SafeTensorsWriter.write(Dictionary(uniqueKeysWithValues: keys.map { ($0, Tensor(shape: [2, 2], repeating: 1)) }), to: path)
        return path
    }

    @Test func unknownFamiliesLoRAsAndRefinersAreClearErrors() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, [String], String)] = [
            ("flux.safetensors", ["double_blocks.0.img_attn.qkv.weight", "img_in.weight"], "Flux"),
            ("sd3.safetensors", ["model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight", "model.diffusion_model.x_embedder.proj.weight"], "Stable Diffusion 3"),
            ("lora.safetensors", ["lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight"], "LoRA"),
            ("refiner.safetensors", ["conditioner.embedders.0.model.token_embedding.weight", "model.diffusion_model.label_emb.0.0.weight"], "refiner"),
        ]
        for (name, keys, word) in cases {
            let path = try Self.stub(keys, name: name, in: dir)
            let error = #expect(throws: EngineError.self) { try StableDiffusionModels.load(from: path) }
            #expect(error?.code == "checkpoint.unsupported", "\(name)")
            #expect(error?.message.contains(word) == true, "\(name): \(error?.message ?? "")")
        }
        #expect(try ModelFamily.detect(path: dir.appendingPathComponent("refiner.safetensors").path) == .sdxlRefiner)
        #expect(throws: EngineError.self) { try ModelFamily.detect(path: dir.appendingPathComponent("flux.safetensors").path) }
    }

    @Test func familiesOfTheFixtures() throws {
        #expect(try ModelFamily.detect(path: EngineFixtures.pipeline("sd1-tiny")) == .sd1)
        #expect(try ModelFamily.detect(path: EngineFixtures.pipeline("sd2-tiny")) == .sd2)
        #expect(try ModelFamily.detect(path: SDXLTests.folder) == .sdxl)
        #expect(try ModelFamily.detect(path: Self.file) == .sdxl)
        #expect(try ModelFamily.detect(path: EngineFixtures.root + "/single-file/sd2-tiny-original.safetensors") == .sd2)
        #expect(ModelFamily.sdxl.nativeSize == 1024)
        // A folder whose scheduler uses trailing spacing is a few-step (Turbo-style) model.
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let turbo = dir.appendingPathComponent("sdxl-turbo")
        try FileManager.default.createDirectory(at: turbo.appendingPathComponent("scheduler"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: SDXLTests.folder + "/model_index.json", toPath: turbo.appendingPathComponent("model_index.json").path)
        let config: [String: Any] = ["_class_name": "EulerAncestralDiscreteScheduler", "timestep_spacing": "trailing"]
        try JSONSerialization.data(withJSONObject: config).write(to: turbo.appendingPathComponent("scheduler/scheduler_config.json"))
        #expect(try ModelFamily.detect(path: turbo.path) == .turbo)
        #expect(ModelFamily.turbo.isFewStep)
        // A refiner folder is listed as such, though it cannot be loaded as a base.
        let refiner = dir.appendingPathComponent("refiner")
        try FileManager.default.createDirectory(at: refiner, withIntermediateDirectories: true)
        let index: [String: Any] = ["_class_name": "StableDiffusionXLImg2ImgPipeline", "text_encoder": [NSNull(), NSNull()],
                                    "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"]]
        try JSONSerialization.data(withJSONObject: index).write(to: refiner.appendingPathComponent("model_index.json"))
        #expect(try ModelFamily.detect(path: refiner.path) == .sdxlRefiner)
    }
}
