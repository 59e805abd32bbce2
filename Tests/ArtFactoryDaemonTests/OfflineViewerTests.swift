import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// `gallery html` writes an offline viewer; headless Chromium opens it from file:// (no server),
/// runs its script, and shows search, filters and the full-size view as a person would see them.
@Suite(.serialized) struct OfflineViewerTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The DOM after the page's script ran, or a screenshot, from headless Chromium.
    static func chrome(_ url: String, screenshot: String? = nil) throws -> CLIResult {
        var args = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,700",
                    "--virtual-time-budget=3000", "--user-data-dir=" + NSTemporaryDirectory() + "/afchrome-\(getpid())"]
        args += screenshot.map { ["--screenshot=" + $0] } ?? ["--dump-dom"]
        return try runProgram(chromium!, args + [url], environment: ["HOME": NSTemporaryDirectory(), "PATH": "/usr/bin:/bin"])
    }

    @Test(.enabled(if: OfflineViewerTests.chromium != nil, "Chromium is not installed (Scripts/test installs it)"))
    func pagesPerProjectAndCollectionWithSearchFiltersAndFullSizeView() throws {
        let src = try GalleryFixtures.folder("afov")
        let out = try GalleryFixtures.folder("afovout")
        defer { try? FileManager.default.removeItem(atPath: src); try? FileManager.default.removeItem(atPath: out) }
        try GalleryFixtures.a1111PNG(in: src, name: "zep.png", prompt: "a zeppelin over a harbour", seed: 1)
        try GalleryFixtures.a1111PNG(in: src, name: "owl.png", prompt: "an owl at night", seed: 2)
        try GalleryFixtures.a1111PNG(in: src, name: "fox.png", prompt: "a red fox in <deep> snow", seed: 3)
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        let project = try c.call(ProjectCreate.self, .init(name: "Brand Kit"))
        _ = try c.importImages(.init(paths: [src], projectId: project.id, tags: ["demo"]))
        let images = try c.call(GalleryList.self, .init()).items
        let fox = try #require(images.first { $0.seed == 3 })
        let owl = try #require(images.first { $0.seed == 2 })
        let keepers = try c.call(CollectionCreate.self, .init(name: "Keepers"))
        _ = try c.call(CollectionAdd.self, .init(collectionId: keepers.id, ids: [owl.id]))
        _ = try c.call(GalleryRate.self, .init(ids: [owl.id], rating: 5))

        let r = try runCLI(["gallery", "html", out, "--copy-originals", "--json", "--socket", daemon.socketPath], home: daemon.home)
        #expect(r.status == 0, "\(r.stderr)")
        for page in ["index.html", "project-brand-kit.html", "collection-keepers.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + page), "\(page) is written")
        }
        #expect(FileManager.default.fileExists(atPath: out + "/originals/\(fox.id).png"), "originals are copied")
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(!index.contains("<deep>") && index.contains("&lt;deep&gt;"), "prompts are escaped in the HTML")
        #expect(!index.contains("http://") && !index.contains("https://"), "the page loads nothing from the network")

        // Search over the embedded index: words as prefixes.
        let searched = try Self.chrome("file://\(out)/index.html#q=zepp")
        #expect(searched.stdout.contains("<span id=\"count\">1 of 3</span>"), "\(searched.stdout.suffix(2000))")
        // Filters: minimum rating, and the collection page holds its one image.
        #expect(try Self.chrome("file://\(out)/index.html#rating=5").stdout.contains("<span id=\"count\">1 of 3</span>"))
        let collection = try Self.chrome("file://\(out)/collection-keepers.html")
        #expect(collection.stdout.contains("<span id=\"count\">1 of 1</span>") && collection.stdout.contains(owl.id))
        // The full-size view shows the whole prompt (escaped) and the copied original.
        let opened = try Self.chrome("file://\(out)/index.html#open=\(fox.id)")
        #expect(opened.stdout.contains("id=\"view\" role=\"dialog\" class=\"open\""), "the view opens")
        #expect(opened.stdout.contains("<pre id=\"vprompt\">a red fox in &lt;deep&gt; snow</pre>"))
        #expect(opened.stdout.contains("originals/\(fox.id).png"))

        // A screenshot of the search: the one matching thumbnail is drawn (not a blank page).
        let shot = out + "/shot.png"
        _ = try Self.chrome("file://\(out)/index.html#q=fox", screenshot: shot)
        let pixels = try PNGDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: shot)))
        #expect(pixels.width == 1200 && pixels.height == 700)
        var colours = Set<UInt32>()
        for y in stride(from: 140, to: 340, by: 4) {
            for x in stride(from: 16, to: 216, by: 4) {
                let o = (y * pixels.width + x) * pixels.channels
                colours.insert(UInt32(pixels.bytes[o]) << 16 | UInt32(pixels.bytes[o + 1]) << 8 | UInt32(pixels.bytes[o + 2]))
            }
        }
        #expect(colours.count > 8, "the thumbnail is drawn in the first grid cell (\(colours.count) colours)")
        _ = daemon.stop()
    }
}
