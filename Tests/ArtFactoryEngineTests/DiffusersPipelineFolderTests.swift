import Foundation
import Testing
@testable import ArtFactoryEngine

@Suite struct DiffusersPipelineFolderTests {
    /// Copies a fixture pipeline into a fresh temporary directory the test may damage.
    static func copy(_ name: String) throws -> URL {
        let dir = try EngineFixtures.temporaryDirectory()
        let target = dir.appendingPathComponent(name)
        try FileManager.default.copyItem(atPath: EngineFixtures.pipeline(name), toPath: target.path)
        return target
    }

    @Test(arguments: [("sd1-tiny", StableDiffusionModels.Variant.sd1), ("sd2-tiny", .sd2), ("sd1-inpaint-tiny", .sd1Inpainting)])
    func pipelineFoldersLoadWithTheirVariant(name: String, variant: StableDiffusionModels.Variant) throws {
        let models = try StableDiffusionModels.load(from: EngineFixtures.pipeline(name))
        #expect(models.variant == variant)
        #expect(models.unet.inChannels == (variant.isInpainting ? 9 : 4))
        #expect(models.byteCount > 100_000)
        #expect(models.unet.configuration.crossAttentionDim == models.textEncoder.hiddenSize)
    }

    @Test func sd2ConfigurationIsReadFromConfigJSON() throws {
        let models = try DiffusersPipelineFolder(path: EngineFixtures.pipeline("sd2-tiny")).loadModels()
        let c = models.unet.configuration
        #expect(c.useLinearProjection)
        #expect(c.heads(forBlock: 0) == 2 && c.heads(forBlock: 1) == 4)
        #expect(c.transformerLayers(forBlock: 1) == 2)
        #expect(models.textEncoder.configuration.hiddenAct == "gelu")
    }

    @Test func missingConfigIsNamed() throws {
        let folder = try Self.copy("sd1-tiny")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("unet/config.json"))
        let error = #expect(throws: EngineError.self) { try StableDiffusionModels.load(from: folder.path) }
        #expect(error?.code == "file.missing")
        #expect(error?.path?.hasSuffix("unet/config.json") == true)
    }

    @Test func missingModelIndexAndComponentAreNamed() throws {
        let folder = try Self.copy("sd1-tiny")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("vae"))
        let error = #expect(throws: EngineError.self) { try StableDiffusionModels.load(from: folder.path) }
        #expect(error?.path?.hasSuffix("vae") == true)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model_index.json"))
        let index = #expect(throws: EngineError.self) { try StableDiffusionModels.load(from: folder.path) }
        #expect(index?.path?.hasSuffix("model_index.json") == true)
    }

    @Test func invalidConfigAndUnsupportedPipelineAreErrors() throws {
        let folder = try Self.copy("sd1-tiny")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try Data("{\"block_out_channels\": \"wide\"}".utf8).write(to: folder.appendingPathComponent("unet/config.json"))
        #expect((#expect(throws: EngineError.self) { try StableDiffusionModels.load(from: folder.path) })?.code == "config.invalid")
        for unsupported in ["StableDiffusion3Pipeline", "FluxPipeline"] {  // SDXL is supported since #15
            try Data("{\"_class_name\": \"\(unsupported)\"}".utf8).write(to: folder.appendingPathComponent("model_index.json"))
            #expect((#expect(throws: EngineError.self) { try StableDiffusionModels.load(from: folder.path) })?.code == "pipeline.unsupported")
        }
        // An SDXL index that lacks its second encoder names what is missing.
        try Data("{\"_class_name\": \"StableDiffusionXLPipeline\"}".utf8).write(to: folder.appendingPathComponent("model_index.json"))
        #expect((#expect(throws: EngineError.self) { try StableDiffusionModels.load(from: folder.path) })?.code == "config.invalid")
    }

    @Test func weightsOfAnotherConfigurationAreAMismatch() throws {
        let folder = try Self.copy("sd1-tiny")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        // sd2-tiny's UNet weights under sd1-tiny's config.
        let weights = folder.appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
        try FileManager.default.removeItem(at: weights)
        try FileManager.default.copyItem(atPath: EngineFixtures.pipeline("sd2-tiny") + "/unet/diffusion_pytorch_model.safetensors", toPath: weights.path)
        let error = #expect(throws: EngineError.self) { try UNet2DConditionModel(directory: folder.appendingPathComponent("unet").path) }
        #expect(error?.code == "weights.mismatch")
        #expect(error?.path == weights.path)
    }
}
