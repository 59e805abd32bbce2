import ArtFactoryCatalog
import ArtFactoryIPC
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport
import ArtFactoryDaemon

/// Export → import into an empty home gives the same catalog and byte-identical originals; PNGs
/// the gallery writes carry metadata an independent reader (Pillow, pngcheck) sees.
@Suite(.serialized) struct GalleryRoundTripTests {
    @Test(arguments: ["zip", "folder"])
    func exportThenImportIntoEmptyHome(_ format: String) throws {
        let src = try GalleryFixtures.folder("afgr")
        let out = try GalleryFixtures.folder("afgo")
        defer {
            try? FileManager.default.removeItem(atPath: src)
            try? FileManager.default.removeItem(atPath: out)
        }
        for i in 0..<4 { try GalleryFixtures.a1111PNG(in: src, name: "r\(i).png", prompt: "round trip \(i) lighthouse", seed: 40 + i) }
        let a = try DaemonProcess.start()
        let ca = try a.client()
        let project = try ca.call(ProjectCreate.self, .init(name: "Coast"))
        let imported = try ca.importImages(.init(paths: [src], projectId: project.id, tags: ["sea"]))
        let ids = imported.items.compactMap(\.id)
        let collection = try ca.call(CollectionCreate.self, .init(name: "Best"))
        _ = try ca.call(CollectionAdd.self, .init(collectionId: collection.id, ids: [ids[0], ids[1]]))
        _ = try ca.call(GalleryFavorite.self, .init(ids: [ids[2]]))
        _ = try ca.call(GalleryRate.self, .init(ids: [ids[3]], rating: 5))
        _ = try ca.call(TagAdd.self, .init(ids: [ids[0]], tags: ["Night"]))
        let destination = out + (format == "zip" ? "/export.zip" : "/export")
        let exported = try ca.exportImages(.init(destination: destination))
        #expect(exported.images == 4 && exported.format == format)
        expectError(RPCErrorCode.conflict) { _ = try ca.exportImages(.init(destination: destination)) }
        expectError(RPCErrorCode.pathNotAllowed) { _ = try ca.exportImages(.init(destination: "/etc/export.zip")) }
        expectError(RPCErrorCode.pathNotAllowed) { _ = try ca.exportImages(.init(destination: a.home + "/gallery/x.zip")) }

        let b = try DaemonProcess.start()
        let cb = try b.client()
        if format == "folder" {
            // A tampered manifest naming a path outside the gallery is refused before anything is written.
            let tampered = out + "/tampered"
            try FileManager.default.copyItem(atPath: destination, toPath: tampered)
            let url = URL(fileURLWithPath: tampered + "/manifest.json")
            var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            var assets = try #require(manifest["assets"] as? [[String: Any]])
            assets[0]["path"] = "../../escape.png"
            manifest["assets"] = assets
            try JSONSerialization.data(withJSONObject: manifest).write(to: url)
            expectError(RPCErrorCode.invalidFile, mentioning: "unsafe path") { _ = try cb.importImages(.init(paths: [tampered])) }
            #expect(try cb.call(GalleryList.self, .init()).items.isEmpty)
            #expect(GalleryFixtures.files(under: b.home + "/gallery").isEmpty)
        }
        let restored = try cb.importImages(.init(paths: [destination]))
        #expect(restored.imported == 4 && restored.failed == 0)
        for id in ids {
            let before = try ca.call(GalleryGet.self, .init(id: id))
            let after = try cb.call(GalleryGet.self, .init(id: id))
            #expect(after.generation == before.generation, "prompt, parameters, seed, model survive")
            #expect(Set(after.tags) == Set(before.tags))
            #expect(after.collections == before.collections)
            #expect(after.image.favorite == before.image.favorite && after.image.rating == before.image.rating)
            #expect(after.image.sha256 == before.image.sha256)
            let original = try Data(contentsOf: URL(fileURLWithPath: before.image.path))
            let copy = try Data(contentsOf: URL(fileURLWithPath: after.image.path))
            #expect(original == copy, "byte-identical original")
            #expect(FileManager.default.fileExists(atPath: after.image.thumbnailPath ?? "/nonexistent"))
        }
        #expect(try cb.call(ProjectList.self, NoParams()).projects.map(\.name) == ["Coast"])
        #expect(try cb.call(GalleryFsck.self, .init(verifyHashes: true)).clean)
        // Importing the same export again links everything.
        #expect(try cb.importImages(.init(paths: [destination])).duplicates == 4)
        // Stop explicitly: both daemons must outlive every call (ARC may release them after their last use).
        _ = a.stop()
        _ = b.stop()
    }

    @Test func storedPNGMetadataReadByIndependentReaders() throws {
        let home = try TestPaths.makeTempDir(prefix: "afgp")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let paths = DaemonPaths(home: home, configDir: home, runtimeDir: home)
        try paths.createDirectories()
        let catalog = try CatalogDatabase(path: paths.catalog)
        let gallery = GalleryService(catalog: catalog, paths: paths, events: nil)
        let project = try catalog.createProject("Birds")
        let generation = Generation(projectId: project.id, prompt: "a heron, “misty” dawn", negativePrompt: "low quality",
                                    params: .object(["steps": .int(25), "cfgScale": .double(6.5), "sampler": .string("euler")]),
                                    model: "sd15", seed: 1234, createdAt: CatalogClock.now())
        let stored = try gallery.storeGenerated(pixels: try GalleryFixtures.pixels(side: 48, seed: 9), generation: generation, tags: ["bird"])
        #expect(stored.imagePath.hasPrefix(home + "/gallery/birds/"))
        #expect(stored.asset.path.hasSuffix(stored.asset.id + ".png"))
        var st = stat()
        #expect(stat(stored.imagePath, &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(stat(stored.thumbnailPath, &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(try catalog.generation(generation.id).prompt == generation.prompt)
        #expect(try gallery.fsck(repair: false, verifyHashes: true).clean)

        let check = try runProgram("/usr/bin/pngcheck", ["-t", stored.imagePath], environment: [:])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("parameters"))
        let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ArtFactoryImagingTests/helpers/read_png_text.py").path
        let py = try runProgram("/usr/bin/env", ["python3", helper, stored.imagePath], environment: ProcessInfo.processInfo.environment)
        #expect(py.status == 0, "\(py.stderr)")
        let read = try JSONParser().parse(py.stdout)
        #expect(read["size"] == [48, 48])
        let parameters = try #require(read["text"]?["parameters"]?.stringValue)
        #expect(parameters.hasPrefix("a heron, “misty” dawn\nNegative prompt: low quality\n"))
        #expect(parameters.contains("Steps: 25") && parameters.contains("Seed: 1234"))
        let record = try JSONParser().parse(try #require(read["text"]?["artfactory"]?.stringValue))
        #expect(record["prompt"] == "a heron, “misty” dawn")
        #expect(record["parameters"]?["cfgScale"] == 6.5)
        #expect(record["tags"] == ["bird"])
        #expect(record["generationId"] == .string(generation.id))
    }
}
