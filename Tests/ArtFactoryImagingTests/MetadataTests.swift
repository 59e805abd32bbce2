import Foundation
import Testing
@testable import ArtFactoryImaging

@Suite struct MetadataTests {
    static let a1111Sample = """
        masterpiece, a castle on a hill, golden hour
        volumetric light
        Negative prompt: blurry, lowres, (worst quality:1.4)
        Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 3141592653, Size: 512x768, \
        Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: "detail: 1a2b3c, style: 4d5e6f", Version: v1.10.1
        """

    @Test func a1111ParserSurvivesMangledText() throws {
        // Truncations and random byte edits of a real sample: always a value or an error, never a trap.
        let sample = Array(Self.a1111Sample.utf8)
        var state: UInt64 = 99
        for round in 0..<400 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var bytes = Array(sample.prefix(Int(state >> 33) % sample.count + 1))
            if round % 2 == 0 {
                for _ in 0..<4 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    bytes[Int(state >> 33) % bytes.count] = [UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: ":"),
                                                             UInt8(ascii: "\\"), 10, 0xFF][Int(state >> 40) % 6]
                }
            }
            _ = try? A1111Parameters.parse(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func parsesA1111TextWithMultilinePromptAndQuotedValues() throws {
        let metadata = try A1111Parameters.parse(Self.a1111Sample)
        #expect(metadata.source == .automatic1111)
        #expect(metadata.prompt == "masterpiece, a castle on a hill, golden hour\nvolumetric light")
        #expect(metadata.negativePrompt == "blurry, lowres, (worst quality:1.4)")
        #expect(metadata.steps == 28 && metadata.sampler == "DPM++ 2M" && metadata.scheduler == "Karras")
        #expect(metadata.cfgScale == 6.5 && metadata.seed == 3_141_592_653)
        #expect(metadata.width == 512 && metadata.height == 768)
        #expect(metadata.modelHash == "6ce0161689" && metadata.model == "v1-5-pruned-emaonly")
        #expect(metadata.extraValue("Lora hashes") == "detail: 1a2b3c, style: 4d5e6f")
        #expect(metadata.extraValue("version") == "v1.10.1")
    }

    @Test func a1111PromptWithoutParameterLineIsAllPrompt() throws {
        let metadata = try A1111Parameters.parse("just a prompt, with commas: and a colon")
        #expect(metadata.prompt == "just a prompt, with commas: and a colon" && metadata.steps == nil)
        let noNegative = try A1111Parameters.parse("cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512")
        #expect(noNegative.prompt == "cat" && noNegative.negativePrompt.isEmpty && noNegative.seed == 1)
        #expect(throws: ImagingError.self) { try A1111Parameters.parse("  \n ") }
    }

    @Test func a1111WriterRoundTripsThroughTheParser() throws {
        let record = GenerationMetadata(source: .automatic1111, prompt: "a fox, \"quoted\"\nsecond line",
                                        negativePrompt: "ugly, bad: hands", steps: 30, sampler: "Euler a",
                                        scheduler: "Karras", cfgScale: 7, seed: 18_446_744_073_709_551_615,
                                        width: 1024, height: 576, model: "sd_xl: base, 1.0", modelHash: "31e35c80fc",
                                        extra: [.init(key: "Denoising strength", value: "0.4"),
                                                .init(key: "Hires upscaler", value: "Latent, nearest")])
        let text = A1111Parameters.format(record)
        #expect(text.contains("Steps: 30, Sampler: Euler a, Schedule type: Karras, CFG scale: 7, Seed: 18446744073709551615"))
        #expect(text.contains("Model: \"sd_xl: base, 1.0\""))
        #expect(try A1111Parameters.parse(text) == record)
    }

    @Test func readsComfyUIPromptGraphAndKeepsRawJSON() throws {
        let metadata = try #require(try MetadataReader.read(fromPNG: TestFiles.fixture("comfyui.png")))
        #expect(metadata.source == .comfyUI)
        #expect(metadata.prompt == "beautiful scenery nature glass bottle landscape, purple galaxy bottle,")
        #expect(metadata.negativePrompt == "text, watermark")
        #expect(metadata.seed == 156_680_208_700_286 && metadata.steps == 20 && metadata.cfgScale == 8)
        #expect(metadata.sampler == "euler" && metadata.scheduler == "normal")
        #expect(metadata.width == 512 && metadata.height == 512 && metadata.model == "v1-5-pruned-emaonly.safetensors")
        let raw = try #require(metadata.rawJSON)
        let object = try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any]
        #expect(object?["prompt"] is [String: Any] && object?["workflow"] is [String: Any])
    }

    @Test func readsComfyUIWorkflowWhenThereIsNoPromptGraph() throws {
        let metadata = try #require(try MetadataReader.read(fromPNG: TestFiles.fixture("comfyui_workflow_only.png")))
        #expect(metadata.prompt.hasPrefix("beautiful scenery") && metadata.negativePrompt == "text, watermark")
        #expect(metadata.seed == 156_680_208_700_286 && metadata.steps == 20 && metadata.sampler == "euler")
        #expect(metadata.width == 512 && metadata.model == "v1-5-pruned-emaonly.safetensors")
    }

    @Test func comfyUIPromptFollowsLinksThroughPrimitiveNodes() throws {
        let graph = """
            {"1":{"class_type":"KSamplerAdvanced","inputs":{"noise_seed":5,"steps":12,"cfg":4.5,"sampler_name":"dpmpp_2m",
            "scheduler":"karras","positive":["2",0],"negative":["3",0]}},
            "2":{"class_type":"CLIPTextEncode","inputs":{"text":["4",0]}},
            "3":{"class_type":"CLIPTextEncode","inputs":{"text":"bad"}},
            "4":{"class_type":"PrimitiveString","inputs":{"value":"linked prompt"}}}
            """
        let metadata = try ComfyUIMetadata.parse(prompt: graph, workflow: nil)
        #expect(metadata.prompt == "linked prompt" && metadata.negativePrompt == "bad")
        #expect(metadata.seed == 5 && metadata.steps == 12 && metadata.cfgScale == 4.5 && metadata.scheduler == "karras")
        #expect(throws: ImagingError.self) { try ComfyUIMetadata.parse(prompt: "not json", workflow: nil) }
    }

    @Test func readsInvokeAIMetadata() throws {
        let metadata = try #require(try MetadataReader.read(fromPNG: TestFiles.fixture("invokeai.png")))
        #expect(metadata.source == .invokeAI)
        #expect(metadata.prompt == "a cozy cabin in snowy woods, warm light" && metadata.negativePrompt == "people")
        #expect(metadata.seed == 2_297_011_379 && metadata.steps == 30 && metadata.cfgScale == 7.5)
        #expect(metadata.scheduler == "dpmpp_2m_k" && metadata.width == 768 && metadata.height == 512)
        #expect(metadata.model == "Juggernaut XL v9" && metadata.modelHash == "blake3:abcd")
        let legacy = try InvokeAIMetadata.parse(#"{"positive_prompt":"x","model":{"model_name":"old","base_model":"sd-1"},"steps":"10"}"#)
        #expect(legacy.model == "old" && legacy.steps == 10)
    }

    @Test func readsA1111FromPillowFixture() throws {
        let metadata = try #require(try MetadataReader.read(fromPNG: TestFiles.fixture("a1111.png")))
        #expect(metadata == (try A1111Parameters.parse(Self.a1111Sample)))
    }

    @Test func ourRecordWinsOverParametersAndBooleansAreNotNumbers() throws {
        let record = #"{"id":"g1","prompt":"ours","negativePrompt":"none","parameters":{"seed":42,"steps":true,"cfgScale":"5.5","width":640,"height":480},"model":"sd15"}"#
        let image = try TestFiles.realisticImage(width: 8, height: 8)
        let data = try PNGEncoder().encode(image, parameters: "theirs\nSteps: 1, Seed: 2, CFG scale: 3", recordJSON: record)
        let metadata = try #require(try MetadataReader.read(fromPNG: data))
        #expect(metadata.source == .artfactory && metadata.prompt == "ours" && metadata.negativePrompt == "none")
        #expect(metadata.seed == 42 && metadata.steps == nil && metadata.cfgScale == 5.5)
        #expect(metadata.width == 640 && metadata.model == "sd15" && metadata.rawJSON == record)
    }

    @Test func damagedOwnRecordFallsBackToParametersAndNoChunksGiveNil() throws {
        let chunks = [PNGTextChunk(kind: .iTXt, keyword: "artfactory", text: "{broken"),
                      PNGTextChunk(kind: .tEXt, keyword: "parameters", text: "fallback\nSteps: 1, Seed: 2, CFG scale: 3")]
        #expect(try MetadataReader.read(from: chunks)?.prompt == "fallback")
        #expect(try MetadataReader.read(from: []) == nil)
        let error = #expect(throws: ImagingError.self) {
            try MetadataReader.read(from: [PNGTextChunk(kind: .tEXt, keyword: "invokeai_metadata", text: "[1,2]")])
        }
        #expect(error?.code == .invalidMetadata)
    }
}
