import Foundation
import Testing
@testable import ArtFactoryEngine

/// LoRAs in every supported format applied to the tiny pipelines must reproduce diffusers' images
/// (Scripts/fixtures/make_lora_fixtures.py) at PSNR ≥ 40 dB, leave the base model bit-for-bit intact,
/// and fail with errors that name the file and the first offending key.
@Suite struct LoRATests {
    struct Case: Sendable, CustomStringConvertible {
        let pipeline: String
        let name: String
        let file: String
        let loras: [(file: String, weight: Float)]
        let json: [String: String]
        var description: String { "\(pipeline)/\(name)" }
    }

    static func cases() -> [Case] {
        guard let root = try? FixtureFiles.json("lora-images/index.json") as? [String: Any],
              let list = root["cases"] as? [[String: Any]] else { return [] }
        return list.compactMap { c in
            guard let pipeline = c["pipeline"] as? String, let name = c["case"] as? String, let file = c["file"] as? String,
                  let loras = c["loras"] as? [[String: Any]] else { return nil }
            let selections = loras.compactMap { l -> (String, Float)? in
                guard let f = l["file"] as? String, let w = l["weight"] as? NSNumber else { return nil }
                return (f, w.floatValue)
            }
            return Case(pipeline: pipeline, name: name, file: file, loras: selections, json: c.mapValues { "\($0)" })
        }
    }

    static func loraPath(_ pipeline: String, _ file: String) -> String {
        FixtureFiles.url("loras/\(pipeline)/\(file)").path
    }

    static func request(_ j: [String: String]) -> GenerationRequest {
        var r = GenerationRequest(prompt: j["prompt"] ?? "")
        r.negativePrompt = j["negative_prompt"] ?? ""
        r.width = Int(j["width"] ?? "") ?? 64
        r.height = Int(j["height"] ?? "") ?? 64
        r.steps = Int(j["steps"] ?? "") ?? 6
        r.guidanceScale = Float(j["guidance"] ?? "") ?? 7.5
        r.seed = UInt64(j["seed"] ?? "") ?? 0
        r.scheduler = SchedulerKind(rawValue: j["scheduler"] ?? "")
        return r
    }

    @Test func fixturesCoverEveryFormatOnBothPipelinesAndTwoAdaptersAtOnce() {
        let cases = Self.cases()
        for pipeline in ["sd1-tiny", "sd2-tiny"] {
            let names = Set(cases.filter { $0.pipeline == pipeline }.map(\.name))
            for required in ["kohya-1", "locon-0.7", "peft-1", "loha-1", "lokr-1", "full-1", "kohya-0.8+peft--0.5"] {
                #expect(names.contains(required), "\(pipeline): missing \(required)")
            }
        }
        #expect(cases.contains { $0.loras.count == 2 && $0.loras.contains { $0.weight < 0 } })
    }

    @Test(arguments: cases())
    func imageMatchesDiffusers(_ c: Case) throws {
        let base = try PipelineImageTests.loaded.pipeline(c.pipeline)
        let selections = try c.loras.map { LoRASelection(file: try LoRAFile(path: Self.loraPath(c.pipeline, $0.file)), weight: $0.weight) }
        let pipeline = try base.applyingLoRAs(selections)
        let image = try pipeline.generate(Self.request(c.json)).images[0]
        let expected = try PipelineImageTests.bytes("../lora-images/\(c.file)")
        #expect(image.pixels.count == expected.count)
        let value = PipelineImageTests.psnr(image.pixels, expected)
        #expect(value >= 40, "\(c): PSNR \(value) dB")
    }

    @Test func theBaseModelIsBitIdenticalAfterALoRARequest() throws {
        let base = try StableDiffusionPipeline.load(directory: FixtureFiles.url("pipelines/sd1-tiny"))
        var r = GenerationRequest(prompt: "a red kettle")
        (r.width, r.height, r.steps, r.seed) = (64, 64, 4, 7)
        let before = try base.generate(r).images[0].pixels
        let lora = try LoRAFile(path: Self.loraPath("sd1-tiny", "locon.safetensors"))
        let patched = try base.applyingLoRAs([LoRASelection(file: lora, weight: 0.9)])
        let withLoRA = try patched.generate(r).images[0].pixels
        let after = try base.generate(r).images[0].pixels
        #expect(withLoRA != before, "the LoRA must change the image")
        #expect(after == before, "the next request without the LoRA must be bit-identical")
    }

    @Test func applyingCopiesOnlyTheLayersALoRATouches() throws {
        let base = try StableDiffusionPipeline.load(directory: FixtureFiles.url("pipelines/sd1-tiny"))
        let lora = try LoRAFile(path: Self.loraPath("sd1-tiny", "full.safetensors"))  // attn2, q_proj and proj_out only
        let patched = try base.applyingLoRAs([LoRASelection(file: lora)])
        let a = try #require(base.unet as? UNet2DConditionModel), b = try #require(patched.unet as? UNet2DConditionModel)
        func address(_ w: WeightMatrix) -> UnsafeRawPointer? { w.storageAddress }
        #expect(address(a.convIn.weight) == address(b.convIn.weight), "untouched weights stay shared")
        let attnA = a.downBlocks[0].attentions[0].blocks[0].attn2.toK.weight, attnB = b.downBlocks[0].attentions[0].blocks[0].attn2.toK.weight
        #expect(address(attnA) != address(attnB))
        #expect(attnA != attnB)
        #expect(a.downBlocks[0].attentions[0].blocks[0].attn1.toK.weight == b.downBlocks[0].attentions[0].blocks[0].attn1.toK.weight)
    }

    @Test func formatsAreDetectedFromKeyNames() throws {
        let expected: [String: LoRAFile.Format] = ["kohya": .kohya, "locon": .locon, "peft": .diffusers, "loha": .loha,
                                                   "lokr": .lokr, "full": .full]
        for (name, format) in expected {
            let file = try LoRAFile(path: Self.loraPath("sd1-tiny", "\(name).safetensors"))
            #expect(file.format == format, "\(name)")
            #expect(file.name == name)
        }
    }

    @Test func summaryReportsRankModulesBaseAndTriggerWords() throws {
        let kohya = try LoRAFile(path: Self.loraPath("sd1-tiny", "kohya.safetensors")).summary
        #expect(kohya.rank == 2)
        #expect(kohya.baseFamily == "sd1")
        #expect(kohya.triggerWords == ["brandstyle", "flat logo", "red"])
        #expect((kohya.modules["unet"] ?? 0) > 0 && (kohya.modules["text_encoder"] ?? 0) > 0)
        #expect(kohya.layerKinds.contains("attention") && kohya.layerKinds.contains("text_encoder"))
        let locon = try LoRAFile(path: Self.loraPath("sd2-tiny", "locon.safetensors")).summary
        #expect(locon.layerKinds.contains("conv"))
        #expect(locon.triggerWords.isEmpty)
    }

    // MARK: errors

    static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> String {
        let dir = try FixtureFiles.temporaryDirectory()
        let path = dir.appendingPathComponent("bad.safetensors").path
        try SafeTensorsWriter.write(tensors, metadata: metadata, to: path)
        return path
    }

    static func applyError(_ path: String) throws -> EngineError? {
        let base = try PipelineImageTests.loaded.pipeline("sd1-tiny")
        do {
            _ = try base.applyingLoRAs([LoRASelection(file: try LoRAFile(path: path))])
            return nil
        } catch let error as EngineError {
            return error
        }
    }

    @Test func aLoRAForAnotherBaseIsAShapeMismatchNamingTheKey() throws {
        // SD 1.5's cross-attention width is 768; the tiny model's is 4.
        let key = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k"
        let path = try Self.write([key + ".lora_down.weight": Tensor(shape: [2, 768], repeating: 0.1),
                                   key + ".lora_up.weight": Tensor(shape: [8, 2], repeating: 0.1),
                                   key + ".alpha": Tensor(shape: [], data: [1])])
        let error = try #require(try Self.applyError(path))
        #expect(error.code == "lora.shapeMismatch")
        #expect(error.path == path)
        #expect(error.message.contains(key) && error.message.contains("another base model"))
        #expect(error.cause == "first offending key: \(key)")
        // The same check without merging, for refusing a request before it is queued.
        let base = try PipelineImageTests.loaded.pipeline("sd1-tiny")
        #expect { try base.validateLoRAs([LoRASelection(file: try LoRAFile(path: path))]) } throws: {
            ($0 as? EngineError)?.code == "lora.shapeMismatch"
        }
        try base.validateLoRAs([LoRASelection(file: try LoRAFile(path: Self.loraPath("sd1-tiny", "locon.safetensors")))])
    }

    @Test func anSDXLSecondTextEncoderKeyIsRefused() throws {
        let key = "lora_te2_text_model_encoder_layers_0_self_attn_q_proj"
        let path = try Self.write([key + ".lora_down.weight": Tensor(shape: [2, 4], repeating: 0.1),
                                   key + ".lora_up.weight": Tensor(shape: [4, 2], repeating: 0.1)])
        let error = try #require(try Self.applyError(path))
        #expect(error.code == "lora.shapeMismatch")
        #expect(error.message.contains("SDXL"))
    }

    @Test func aKeyNamingNoLayerIsUnmapped() throws {
        let good = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"
        let bad = "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q"
        let path = try Self.write([good + ".lora_down.weight": Tensor(shape: [2, 8], repeating: 0.1),
                                   good + ".lora_up.weight": Tensor(shape: [8, 2], repeating: 0.1),
                                   bad + ".lora_down.weight": Tensor(shape: [2, 8], repeating: 0.1),
                                   bad + ".lora_up.weight": Tensor(shape: [8, 2], repeating: 0.1)])
        let error = try #require(try Self.applyError(path))
        #expect(error.code == "lora.unmapped")
        #expect(error.cause == "first offending key: \(bad)")
        #expect(error.message.contains("bad.safetensors"))
    }

    @Test func aCorruptFileIsReportedWithItsPath() throws {
        let source = try Data(contentsOf: URL(fileURLWithPath: Self.loraPath("sd1-tiny", "kohya.safetensors")))
        let dir = try FixtureFiles.temporaryDirectory()
        let path = dir.appendingPathComponent("cut.safetensors").path
        try source.prefix(source.count / 2).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try LoRAFile(path: path)
        } throws: { error in
            guard let e = error as? EngineError else { return false }
            return e.code == "safetensors.truncated" && e.path == path
        }
    }

    @Test func keysThatAreNotLoRAKeysOrLackAPartAreRefused() throws {
        let checkpoint = try Self.write(["model.diffusion_model.input_blocks.0.0.weight": Tensor(shape: [2], repeating: 1)])
        #expect { _ = try LoRAFile(path: checkpoint) } throws: { ($0 as? EngineError)?.code == "lora.unsupported" }
        let half = try Self.write(["lora_unet_conv_in.lora_down.weight": Tensor(shape: [2, 4, 3, 3], repeating: 1)])
        #expect { _ = try LoRAFile(path: half) } throws: { error in
            guard let e = error as? EngineError else { return false }
            return e.code == "lora.invalid" && e.cause == "first offending key: lora_unet_conv_in"
        }
        #expect { _ = try LoRAFile(path: "/nonexistent/x.safetensors") } throws: { ($0 as? EngineError)?.code == "file.missing" }
    }
}
