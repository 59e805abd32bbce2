import Foundation
import Testing
@testable import ArtFactoryEngine

@Suite struct SingleFileCheckpointTests {
    static func checkpoint(_ name: String) -> String { EngineFixtures.root + "/single-file/\(name).safetensors" }

    @Test(arguments: [("sd1-tiny-original", StableDiffusionModels.Variant.sd1), ("sd2-tiny-original", .sd2)])
    func originalLayoutLoadsAndMatchesDiffusers(name: String, variant: StableDiffusionModels.Variant) throws {
        let checkpoint = try SingleFileCheckpoint(path: Self.checkpoint(name))
        #expect(checkpoint.variant == variant)
        #expect(checkpoint.unetConfiguration.blockOutChannels == [32, 32])
        #expect(checkpoint.unetConfiguration.layersPerBlock == 1)
        #expect(checkpoint.unetConfiguration.downBlockTypes == ["CrossAttnDownBlock2D", "DownBlock2D"])
        #expect(checkpoint.unetConfiguration.useLinearProjection == (variant == .sd2))
        #expect(checkpoint.textConfiguration.numHiddenLayers == 2)
        let models = try StableDiffusionModels.load(from: Self.checkpoint(name))
        #expect(models.variant == variant)
        let refs = try SafeTensorsFile(path: EngineFixtures.root + "/single-file/\(name)-reference.safetensors")
        let ids = EngineFixtures.tokenRows(try refs.tensor(named: "text.input_ids"))
        expectClose(try models.textEncoder.encode(tokenIDs: ids, clipSkip: 1), try refs.tensor(named: "text.last_hidden_state"), "\(name) text")
        let out = try models.unet.predict(sample: try refs.tensor(named: "unet.sample"), timestep: 321,
                                          context: try refs.tensor(named: "unet.context"))
        expectClose(out, try refs.tensor(named: "unet.out"), "\(name) unet")
        expectClose(try models.vae.decode(latents: try refs.tensor(named: "vae.latents")), try refs.tensor(named: "vae.decoded"), "\(name) vae")
    }

    @Test func sdxlCheckpointIsRejectedAsAnotherArchitecture() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sdxl.safetensors").path
        try SafeTensorsWriter.write([
            "conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight": Tensor(shape: [4, 2]),
            "model.diffusion_model.input_blocks.0.0.weight": Tensor(shape: [2, 4, 3, 3]),
            "model.diffusion_model.label_emb.0.0.weight": Tensor(shape: [2, 2]),
        ], to: path)
        let error = #expect(throws: EngineError.self) { try StableDiffusionModels.load(from: path) }
        #expect(error?.code == "checkpoint.unsupported")
        #expect(error?.path == path)
        #expect(error?.message.contains("XL") == true)
    }

    @Test func fileWithoutAUNetIsRejected() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("lora.safetensors").path
        try SafeTensorsWriter.write(["lora_unet_down_blocks_0.alpha": Tensor(shape: [1], repeating: 4)], to: path)
        let error = #expect(throws: EngineError.self) { try SingleFileCheckpoint(path: path) }
        #expect(error?.code == "checkpoint.unsupported")
    }

    @Test func pickleCheckpointIsRefusedWithAdvice() throws {
        let error = #expect(throws: EngineError.self) { try SingleFileCheckpoint(path: "/nonexistent/model.ckpt") }
        #expect(error?.code == "weights.unsupportedFormat")
        #expect(error?.message.contains("safetensors") == true)
    }
}
