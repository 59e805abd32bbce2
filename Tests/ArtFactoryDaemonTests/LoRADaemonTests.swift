import ArtFactoryCatalog
@testable import ArtFactoryDaemon
import ArtFactoryEngine
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// LoRAs through the real socket: `loras.list`, `generate` with `loras` and `<lora:…>` tags, the
/// project brand LoRA, what images record, and bad names refused before anything is queued.
@Suite(.serialized) struct LoRADaemonTests {
    static let fixtures: String = {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return here.appendingPathComponent("ArtFactoryEngineTests/Fixtures/loras/sd1-tiny").path
    }()

    /// The tiny model's home with `loras/brand.safetensors` (a link to the kohya fixture, as users link
    /// files in) and `loras/style.safetensors` (a copy of the LoCon fixture).
    static func start() throws -> GenerationFixture {
        let f = try GenerationFixture.start()
        let dir = f.home + "/loras"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/brand.safetensors", withDestinationPath: fixtures + "/kohya.safetensors")
        try FileManager.default.copyItem(atPath: fixtures + "/locon.safetensors", toPath: dir + "/style.safetensors")
        return f
    }

    static func pixels(_ f: GenerationFixture, _ params: Generate.Params) throws -> (Data, JobInfo) {
        let c = try f.daemon.client()
        let queued = try c.call(Generate.self, params)
        let info = try f.wait(queued.jobId)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        let image = try #require(info.images.first)
        let decoded = try ImageDecoder().decode(fileAt: URL(fileURLWithPath: image.path))
        return (Data(decoded.pixels.bytes), info)
    }

    static func parameters(_ info: JobInfo) throws -> GenerationMetadata {
        let data = try Data(contentsOf: URL(fileURLWithPath: try #require(info.images.first).path))
        let text = try #require(try PNGTextChunk.readAll(from: data).first { $0.keyword == "parameters" }?.text)
        return try A1111Parameters.parse(text)
    }

    @Test func lorasListShowsFormatBaseRankLayersAndTriggerWords() throws {
        let f = try Self.start()
        defer { f.cleanUp() }
        let r = try f.daemon.client().call(LorasList.self, NoParams())
        #expect(r.folder == f.home + "/loras")
        #expect(r.loras.map(\.name) == ["brand", "style"])
        let brand = r.loras[0], style = r.loras[1]
        #expect(brand.format == "kohya" && style.format == "locon")
        #expect(brand.baseModel == "sd1")
        #expect(brand.rank == 2)
        #expect(brand.triggerWords == ["brandstyle", "flat logo", "red"])
        #expect((brand.modules?["text_encoder"] ?? 0) > 0 && (brand.modules?["unet"] ?? 0) > 0)
        #expect(style.layerKinds?.contains("conv") == true)
        #expect(brand.hash?.count == 12)
        #expect(brand.bytes > 1000, "a link counts as the file it points to")

        let table = try runCLI(["loras", "list"], home: f.home)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("brand") && table.stdout.contains("kohya") && table.stdout.contains("brandstyle"))
        let json = try runCLI(["loras", "list", "--json"], home: f.home)
        #expect(json.status == 0)
        let decoded = try JSONDecoder().decode(LorasList.Result.self, from: Data(json.stdout.utf8))
        #expect(decoded == r)
    }

    @Test func aProjectsBrandLoRAIsAppliedRecordedAndCanBeTurnedOff() throws {
        let f = try Self.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let project = try c.call(ProjectCreate.self, .init(name: "Brand kit"))
        let set = try c.call(ProjectSetBrandLora.self, .init(id: project.id, lora: "brand", weight: 0.8))
        #expect(set.brandLora == LoRAWeight(name: "brand", weight: 0.8))
        #expect(try c.call(ProjectList.self, NoParams()).projects.first { $0.id == project.id }?.brandLora == set.brandLora)
        let shown = try runCLI(["project", "brand-lora", "show", project.id], home: f.home)
        #expect(shown.stdout.contains("brand at weight 0.8"), "\(shown.stdout)\(shown.stderr)")

        let plain = GenerationFixture.params("a red circle", count: 1, seed: 42)
        let (before, _) = try Self.pixels(f, plain)
        var inProject = plain
        inProject.project = project.id
        let (branded, info) = try Self.pixels(f, inProject)
        #expect(branded != before, "the brand LoRA must change the image")
        let (after, _) = try Self.pixels(f, plain)
        #expect(after == before, "a request without the LoRA after one with it must be bit-identical")

        let meta = try Self.parameters(info)
        let hash = try #require(try c.call(LorasList.self, NoParams()).loras.first?.hash)
        #expect(meta.loraHashes == [.init(name: "brand", hash: hash)])
        #expect(meta.prompt == "a red circle <lora:brand:0.8>")
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let recorded = try catalog.generation(try #require(info.generationId)).params.objectValue?["loras"]
        #expect(recorded?.jsonText.contains("\"origin\":\"brand\"") == true)
        #expect(recorded?.jsonText.contains("\"weight\":0.8") == true)

        var off = inProject
        off.useBrandLora = false
        let (unbranded, _) = try Self.pixels(f, off)
        #expect(unbranded == before, "--no-brand-lora must give the image made outside the project")

        let cleared = try runCLI(["project", "brand-lora", "clear", project.id], home: f.home)
        #expect(cleared.status == 0)
        #expect(try c.call(ProjectList.self, NoParams()).projects.first { $0.id == project.id }?.brandLora == nil)
    }

    @Test func switchingLoRASetsOnTheWarmModelGivesTheSameImagesEveryTime() throws {
        // The warm model is patched in place: each switch undoes the previous set exactly before
        // merging the next, so every set gives the same image whatever ran before it.
        let f = try Self.start()
        defer { f.cleanUp() }
        func image(_ loras: [LoRAWeight]) throws -> Data {
            var p = GenerationFixture.params("a red circle", count: 1, seed: 11)
            p.loras = loras
            return try Self.pixels(f, p).0
        }
        let plain = try image([])
        let brand = try image([LoRAWeight(name: "brand", weight: 1)])
        let style = try image([LoRAWeight(name: "style", weight: 0.9)])
        let both = try image([LoRAWeight(name: "brand", weight: 1), LoRAWeight(name: "style", weight: 0.9)])
        #expect(Set([plain, brand, style, both]).count == 4, "each LoRA set changes the image")
        #expect(try image([LoRAWeight(name: "style", weight: 0.9)]) == style)
        #expect(try image([LoRAWeight(name: "brand", weight: 1)]) == brand)
        #expect(try image([]) == plain, "back to no LoRAs: bit-identical to the first image")
        #expect(try image([LoRAWeight(name: "brand", weight: 0.5), LoRAWeight(name: "brand", weight: 0.5)]) == brand,
                "a name given twice is summed")
    }

    @Test func requestLorasAndPromptTagsAreAppliedTogether() throws {
        let f = try Self.start()
        defer { f.cleanUp() }
        let plain = GenerationFixture.params("a red circle", count: 1, seed: 7)
        let (base, _) = try Self.pixels(f, plain)
        var tagged = GenerationFixture.params("a red circle <lora:brand:0.6>", count: 1, seed: 7)
        tagged.loras = [LoRAWeight(name: "style", weight: -0.5)]
        let (pixels, info) = try Self.pixels(f, tagged)
        #expect(pixels != base)
        let meta = try Self.parameters(info)
        #expect(Set(meta.loraHashes.map(\.name)) == ["brand", "style"])
        #expect(meta.prompt.contains("<lora:brand:0.6>") && meta.prompt.contains("<lora:style:-0.5>"))

        let preview = try f.daemon.client().call(PromptPreview.self, .init(prompt: "a {cat|dog} <lora:brand:0.6> <lora:ghost>", count: 2, mode: "combinatorial"))
        #expect(preview.finals[0].loras == [LoRAWeight(name: "brand", weight: 0.6), LoRAWeight(name: "ghost")])
        #expect(preview.warnings.contains { $0.code == "unknown_lora" && $0.message.contains("ghost") })
    }

    @Test func badLoRAsAreRefusedBeforeAnythingIsQueued() throws {
        let f = try Self.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        // A truncated file and a file for a model with 768-wide cross-attention (SD 1.5), not the tiny one.
        let full = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/kohya.safetensors"))
        try full.prefix(full.count / 3).write(to: URL(fileURLWithPath: f.home + "/loras/broken.safetensors"))
        let key = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k"
        try SafeTensorsWriter.write([key + ".lora_down.weight": Tensor(shape: [2, 768], repeating: 0.1),
                                     key + ".lora_up.weight": Tensor(shape: [8, 2], repeating: 0.1)],
                                    to: f.home + "/loras/sd15.safetensors")
        let jobsBefore = try c.call(JobList.self, .init()).jobs.count

        func refused(_ params: Generate.Params, code: Int, _ text: String) {
            do {
                _ = try c.call(Generate.self, params)
                Issue.record("\(params.prompt ?? ""): must be refused")
            } catch let e as RPCError {
                #expect(e.code == code, "\(e.message)")
                #expect(e.message.contains(text), "\(e.message)")
            } catch { Issue.record("\(error)") }
        }
        var unknown = GenerationFixture.params("a red circle", count: 1)
        unknown.loras = [LoRAWeight(name: "nope")]
        refused(unknown, code: RPCErrorCode.notFound, "Unknown LoRA 'nope'. Installed: brand, broken, sd15, style")
        refused(GenerationFixture.params("a {red|blue <lora:nope:0.5>} circle", count: 1), code: RPCErrorCode.notFound, "Unknown LoRA 'nope'")
        refused(GenerationFixture.params("a red circle <lora:brand:loud>", count: 1), code: RPCErrorCode.invalidParams, "malformed")
        var heavy = GenerationFixture.params("a red circle", count: 1)
        heavy.loras = [LoRAWeight(name: "brand", weight: 50)]
        refused(heavy, code: RPCErrorCode.invalidParams, "between -10 and 10")
        var broken = GenerationFixture.params("a red circle", count: 1)
        broken.loras = [LoRAWeight(name: "broken")]
        refused(broken, code: RPCErrorCode.invalidFile, "broken")
        #expect(try c.call(JobList.self, .init()).jobs.count == jobsBefore, "nothing may be queued on a bad LoRA")
        let cli = try runCLI(["generate", "a red circle", "--lora", "nope:0.5"], home: f.home)
        #expect(cli.status == 1 && cli.stderr.contains("Unknown LoRA 'nope'"), "\(cli.stderr)")

        let project = try c.call(ProjectCreate.self, .init(name: "P"))
        do {
            _ = try c.call(ProjectSetBrandLora.self, .init(id: project.id, lora: "nope"))
            Issue.record("an unknown brand LoRA must be refused")
        } catch let e as RPCError { #expect(e.code == RPCErrorCode.notFound) }

        // A LoRA for another base model is only found out against the model: the job fails with the key named.
        var wrongBase = GenerationFixture.params("a red circle", count: 1)
        wrongBase.loras = [LoRAWeight(name: "sd15")]
        let queued = try c.call(Generate.self, wrongBase)
        let info = try f.wait(queued.jobId)
        #expect(info.status == "failed")
        #expect(info.error?.contains("another base model") == true, "\(info.error ?? "")")
        #expect(info.error?.contains(key) == true, "\(info.error ?? "")")
        // Now the model is in memory, so the same request is refused before it is queued.
        let jobsNow = try c.call(JobList.self, .init()).jobs.count
        refused(wrongBase, code: RPCErrorCode.invalidFile, "another base model")
        #expect(try c.call(JobList.self, .init()).jobs.count == jobsNow)
    }

    @Test func anImportedA1111ImageKeepsItsLoRAs() throws {
        let text = """
            a lighthouse <lora:brand:0.8>
            Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Lora hashes: "brand: 0123456789ab"
            """
        let metadata = try A1111Parameters.parse(text)
        let generation = GalleryRecord.generation(from: metadata, projectId: nil, createdAt: 0)
        let loras = try #require(generation.params.objectValue?["loras"])
        #expect(loras.jsonText.contains("\"name\":\"brand\""))
        #expect(loras.jsonText.contains("\"hash\":\"0123456789ab\""))
        #expect(loras.jsonText.contains("\"weight\":0.8"))
        // And our own record writes it back the way A1111 does.
        let written = GalleryRecord.metadata(generation, width: 512, height: 512)
        #expect(written.loraHashes == [.init(name: "brand", hash: "0123456789ab")])
    }
}
