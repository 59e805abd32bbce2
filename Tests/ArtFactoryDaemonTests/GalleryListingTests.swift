import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// What a person sees in `gallery list` / `gallery search`: each row carries its generation's
/// prompt, seed, steps, sampler, project and tags; search hits carry the matched passage; the CLI
/// table fits the terminal and `--format` picks columns.
@Suite(.serialized) struct GalleryListingTests {
    @Test func listAndSearchRowsCarryTheGenerationSummaryAndTheMatch() throws {
        let src = try GalleryFixtures.folder("afgl")
        defer { try? FileManager.default.removeItem(atPath: src) }
        let long = "a zeppelin over a harbour at dawn, " + Array(repeating: "intricate detail", count: 20).joined(separator: ", ")
        try GalleryFixtures.a1111PNG(in: src, name: "zep.png", prompt: long, seed: 7)
        try GalleryFixtures.a1111PNG(in: src, name: "owl.png", prompt: "an owl at night", seed: 8)
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        let project = try c.call(ProjectCreate.self, .init(name: "Skies"))
        _ = try c.importImages(.init(paths: [src], projectId: project.id, tags: ["old", "airship"]))

        let items = try c.call(GalleryList.self, .init()).items
        #expect(items.count == 2)
        let zep = try #require(items.first { $0.seed == 7 })
        #expect(zep.prompt?.hasPrefix("a zeppelin over a harbour") == true)
        #expect(zep.prompt?.count == 240 && zep.prompt?.hasSuffix("…") == true, "long prompts are trimmed in listings")
        #expect(zep.negativePrompt == "blurry")
        #expect(zep.steps == 20 && zep.sampler != nil && zep.model == "sd15")
        #expect(zep.project == "Skies")
        #expect(zep.tags == ["airship", "old"])
        // gallery.get still has the whole prompt.
        #expect(try c.call(GalleryGet.self, .init(id: zep.id)).generation?.prompt == long)

        let hits = try c.call(GallerySearch.self, .init(query: "zeppelin harb*")).hits
        #expect(hits.count == 1)
        let hit = try #require(hits.first)
        #expect(hit.image.id == zep.id && hit.image.seed == 7 && hit.image.project == "Skies")
        let snippet = try #require(hit.snippet)
        #expect(snippet.contains("[zeppelin]") && snippet.contains("[harbour]"), "matched words are bracketed: \(snippet)")
        // A tag match shows the tag passage.
        #expect(try c.call(GallerySearch.self, .init(query: "airship")).hits.allSatisfy { $0.snippet?.contains("[airship]") == true })
        _ = daemon.stop()
    }

    @Test func cliTableFitsTheTerminalAndFormatPicksColumns() throws {
        let src = try GalleryFixtures.folder("afgc")
        defer { try? FileManager.default.removeItem(atPath: src) }
        try GalleryFixtures.a1111PNG(in: src, name: "zep.png", prompt: "a zeppelin over a harbour at dawn, dramatic clouds, oil painting", seed: 11)
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        _ = try c.importImages(.init(paths: [src]))

        let narrow = try runCLI(["gallery", "list", "--socket", daemon.socketPath], home: daemon.home, environment: ["COLUMNS": "80"])
        #expect(narrow.status == 0, "\(narrow.stderr)")
        let lines = narrow.stdout.split(separator: "\n")
        #expect(lines.first?.contains("PROMPT") == true && lines.first?.contains("SEED") == true)
        #expect(lines.allSatisfy { $0.count <= 80 }, "every line fits 80 columns:\n\(narrow.stdout)")
        #expect(lines.dropFirst().first?.contains("a zeppelin") == true && lines.dropFirst().first?.contains("…") == true)
        #expect(lines.first?.contains("SIZE") == false, "the lowest-priority columns make room for the prompt at 80 columns")

        let wide = try runCLI(["gallery", "search", "zeppelin", "--socket", daemon.socketPath], home: daemon.home, environment: ["COLUMNS": "300"])
        #expect(wide.status == 0 && wide.stdout.contains("[zeppelin]") && wide.stdout.contains("oil painting"), "\(wide.stdout)\(wide.stderr)")

        let template = try runCLI(["gallery", "list", "--format", "{seed}\\t{steps}\\t{prompt}", "--socket", daemon.socketPath],
                                  home: daemon.home)
        #expect(template.status == 0)
        #expect(template.stdout == "11\t20\ta zeppelin over a harbour at dawn, dramatic clouds, oil painting\n", "\(template.stdout)")

        let columns = try runCLI(["gallery", "list", "--format", "seed,model", "--socket", daemon.socketPath], home: daemon.home)
        #expect(columns.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) } == [["SEED", "MODEL"], ["11", "sd15"]])

        // Sixel terminals get the thumbnail as DEC sixels: a DCS with raster size, palette and bands.
        let id = try #require(c.call(GalleryList.self, .init()).items.first?.id)
        let shown = try runCLI(["gallery", "show", id, "--socket", daemon.socketPath], home: daemon.home,
                               environment: ["ARTFACTORY_GRAPHICS": "sixel"])
        #expect(shown.status == 0 && shown.stdout.hasPrefix("\u{1b}P0;1q\"1;1;"), "\(shown.stdout.prefix(40))")
        let dcs = String(shown.stdout.prefix { $0 != "\n" })
        #expect(dcs.hasSuffix("\u{1b}\\") && dcs.contains("#") && dcs.contains("-"), "a complete sixel image")
        #expect(dcs.split(separator: "-").count >= 10, "64 px scaled into bands of six rows")
        let plain = try runCLI(["gallery", "show", id, "--socket", daemon.socketPath], home: daemon.home)
        #expect(!plain.stdout.contains("\u{1b}P"), "no graphics when output is not a terminal and none was asked for")

        let bad = try runCLI(["gallery", "list", "--format", "id,colour", "--socket", daemon.socketPath], home: daemon.home)
        #expect(bad.status == 2 && bad.stderr.contains("unknown column 'colour'") && bad.stderr.contains("prompt"), "\(bad.stderr)")
        _ = daemon.stop()
    }
}
