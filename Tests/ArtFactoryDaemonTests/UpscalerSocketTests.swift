import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// `upscalers.list`, High with a learned upscaler, `generate` `upscale`/`upscaler`, `preset.list`'s
/// upscaler column and `gallery.upscale`, end to end through the socket with the tiny model and the
/// engine's tiny upscaler fixtures.
@Suite(.serialized) struct UpscalerSocketTests {
    static let fixtures: String = {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return here.appendingPathComponent("ArtFactoryEngineTests/Fixtures/upscalers").path
    }()

    /// Installs the compact x4 (copied), the RRDBNet x2 (a symbolic link) and the malicious `.pth`.
    static func install(into home: String) throws {
        let dir = home + "/upscalers"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixtures + "/compact-x4.safetensors", toPath: dir + "/compact-x4.safetensors")
        try FileManager.default.createSymbolicLink(atPath: dir + "/rrdb-x2.pth", withDestinationPath: fixtures + "/rrdb-x2.pth")
        try FileManager.default.copyItem(atPath: fixtures + "/malicious.pth", toPath: dir + "/malicious.pth")
    }

    @Test func listShowsArchitecturesRefusesTheMaliciousFileAndPicksTheFastest() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let empty = try c.call(UpscalersList.self, NoParams())
        #expect(empty.upscalers.isEmpty && empty.defaultUpscaler == nil && empty.directory == f.home + "/upscalers")
        let lanczos = try c.call(PresetList.self, .init(width: 64, height: 64, count: 1))
        #expect(lanczos.presets.filter { $0.upscale > 1 }.allSatisfy { $0.upscaler == "lanczos" })

        try Self.install(into: f.home)
        let list = try c.call(UpscalersList.self, NoParams())
        #expect(list.upscalers.map(\.name) == ["compact-x4", "malicious", "rrdb-x2"])
        let byName = Dictionary(uniqueKeysWithValues: list.upscalers.map { ($0.name, $0) })
        #expect(byName["compact-x4"]?.architecture == "SRVGGNetCompact" && byName["compact-x4"]?.scale == 4)
        #expect(byName["rrdb-x2"]?.architecture == "RRDBNet" && byName["rrdb-x2"]?.scale == 2 && byName["rrdb-x2"]?.format == "pth")
        #expect(byName["rrdb-x2"]?.bytes ?? 0 > 1000, "the link counts as the file it points to")
        let refused = try #require(byName["malicious"])
        #expect(refused.architecture == nil && refused.error?.contains("os.system") == true && !refused.isDefault)
        #expect(list.defaultUpscaler == "compact-x4", "the fastest usable upscaler is the default")
        let presets = try c.call(PresetList.self, .init(width: 64, height: 64, count: 1))
        #expect(presets.presets.first { $0.name == "high" }?.upscaler == "compact-x4")
        #expect(presets.presets.first { $0.name == "standard" }?.upscaler == nil)

        try #"{"upscaler": "rrdb-x2"}"#.write(toFile: f.home + "/config.json", atomically: true, encoding: .utf8)
        #expect(try c.call(UpscalersList.self, NoParams()).defaultUpscaler == "rrdb-x2")

        let cli = try runCLI(["upscalers", "list", "--json"], home: f.home)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.contains("\"SRVGGNetCompact\"") && cli.stdout.contains("\"defaultUpscaler\""))
        let table = try runCLI(["upscalers", "list"], home: f.home)
        #expect(table.stdout.contains("* rrdb-x2") && table.stdout.contains("unusable"))
    }

    @Test func highUsesTheLearnedUpscalerAndGalleryUpscaleStoresAChild() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        try Self.install(into: f.home)
        let c = try f.daemon.client()

        var high = GenerationFixture.params("a red circle", count: 1, seed: 5, steps: 2)
        high.preset = "high"
        high.steps = 2
        let info = try f.wait(try c.call(Generate.self, high).jobId)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        #expect(info.images.map(\.width) == [128] && info.images.map(\.height) == [128])
        let params = try GenerationOptionsTests.recordedParameters(info.images[0].path)
        #expect(params["upscaler"] == "compact-x4" && params["upscale"] == 2)

        // Explicit factor and upscaler; bad combinations are refused before anything is queued.
        var explicit = GenerationFixture.params("a blue square", count: 1, seed: 6, steps: 2)
        explicit.upscale = 4
        explicit.upscaler = "rrdb-x2"
        let four = try f.wait(try c.call(Generate.self, explicit).jobId)
        #expect(four.status == "succeeded" && four.images.map(\.width) == [256], "\(four.error ?? "")")
        explicit.upscaler = "nope"
        #expect { try c.call(Generate.self, explicit) } throws: { ($0 as? RPCError)?.code == RPCErrorCode.notFound }
        explicit.upscaler = "malicious"
        #expect { try c.call(Generate.self, explicit) } throws: { ($0 as? RPCError)?.code == RPCErrorCode.invalidParams }
        explicit.upscale = 1
        explicit.upscaler = "compact-x4"
        #expect { try c.call(Generate.self, explicit) } throws: { ($0 as? RPCError)?.code == RPCErrorCode.invalidParams }

        // Standalone: the original's generation gains a child holding the 4× image.
        let original = info.images[0]
        let job = try c.call(GalleryUpscale.self, .init(id: original.assetId, factor: 4, upscaler: "compact-x4", wait: true))
        #expect(job.status == "succeeded" && job.kind == "upscale", "\(job.error ?? "")")
        let child = try #require(job.images.first)
        #expect(child.width == 512 && child.height == 512)
        let detail = try c.call(GalleryGet.self, .init(id: original.assetId))
        #expect(detail.children.contains { $0.id == job.generationId })
        let upscaled = try c.call(GalleryGet.self, .init(id: child.assetId))
        #expect(upscaled.generation?.parentGenerationId == detail.generation?.id)
        #expect { try c.call(GalleryUpscale.self, .init(id: "img_01J0000000000000000000000")) } throws: {
            ($0 as? RPCError)?.code == RPCErrorCode.notFound
        }
        let cli = try runCLI(["gallery", "upscale", original.assetId, "--factor", "2", "--json"], home: f.home)
        #expect(cli.status == 0 && cli.stdout.contains("\"upscale\""), "\(cli.stderr)")
    }
}
