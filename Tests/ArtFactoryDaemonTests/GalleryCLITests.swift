import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// The real `artfactory` CLI against a real daemon: gallery, project, tag and collection commands.
@Suite(.serialized) struct GalleryCLITests {
    @Test func galleryProjectTagCollectionCommands() throws {
        let home = try TestPaths.makeTempDir(prefix: "afgl")
        let src = try GalleryFixtures.folder("afgi")
        let sheet = try GalleryFixtures.folder("afgw")
        defer {
            _ = try? runCLI(["daemon", "stop"], home: home)
            for dir in [home, src, sheet] { try? FileManager.default.removeItem(atPath: dir) }
        }
        try GalleryFixtures.a1111PNG(in: src, name: "a.png", prompt: "a <blue> whale", seed: 7)
        try GalleryFixtures.a1111PNG(in: src, name: "b.png", prompt: "a green turtle", seed: 8)

        let project = try runCLI(["project", "create", "Sea Life"], home: home)
        #expect(project.status == 0)
        let projectId = project.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(projectId.hasPrefix("prj_"))
        let dupe = try runCLI(["project", "create", "Sea Life"], home: home)
        #expect(dupe.status == 1 && dupe.stderr.contains("already exists"))
        #expect(try runCLI(["project", "list"], home: home).stdout.contains("sea-life"))

        let imp = try runCLI(["gallery", "import", src, "--project", projectId, "--tag", "ocean", "--json"], home: home)
        #expect(imp.status == 0, "\(imp.stderr)")
        let importJob = try JSONParser().parse(imp.stdout)
        #expect(importJob["kind"] == "import" && importJob["status"] == "succeeded")
        #expect(importJob["importResult"]?["imported"] == 2)
        let badImport = try runCLI(["gallery", "import", "/etc/passwd"], home: home)
        #expect(badImport.status == 1 && badImport.stderr.contains("outside the allowed places"))

        let list = try JSONParser().parse(try runCLI(["gallery", "list", "--json"], home: home).stdout)
        let ids = try #require(list["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue })
        #expect(ids.count == 2)
        let table = try runCLI(["gallery", "list"], home: home)
        #expect(table.stdout.contains("ID") && table.stdout.contains(ids[0]))
        let search = try runCLI(["gallery", "search", "whale"], home: home)
        #expect(search.status == 0 && search.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("img_") }.count == 1)
        let show = try runCLI(["gallery", "show", ids[0]], home: home)
        #expect(show.status == 0 && show.stdout.contains("prompt") && show.stdout.contains("ocean"))
        #expect(try runCLI(["gallery", "show", "img_01JZZZZZZZZZZZZZZZZZZZZZZZ"], home: home).status == 1)
        #expect(try runCLI(["gallery", "compare", ids[0], ids[1]], home: home).stdout.contains("seed"))
        #expect(try runCLI(["gallery", "favorite", ids[0]], home: home).status == 0)
        #expect(try runCLI(["gallery", "rate", "6", ids[0]], home: home).status == 2)
        #expect(try runCLI(["gallery", "rate", "3", ids[1]], home: home).status == 0)

        #expect(try runCLI(["tag", "add", "Deep", ids[1]], home: home).status == 0)
        let tags = try runCLI(["tag", "list"], home: home).stdout
        #expect(tags.contains("ocean") && tags.contains("Deep"))
        let col = try runCLI(["collection", "create", "Keepers"], home: home).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try runCLI(["collection", "add", col, ids[0]], home: home).status == 0)
        #expect(try runCLI(["collection", "list"], home: home).stdout.contains("Keepers"))

        let html = try runCLI(["gallery", "html", sheet], home: home)
        #expect(html.status == 0, "\(html.stderr)")
        let page = try String(contentsOfFile: sheet + "/index.html", encoding: .utf8)
        #expect(page.contains("a &lt;blue&gt; whale") && !page.contains("<blue>"), "prompts are escaped")
        #expect(page.contains("data-tag=\"ocean\""))
        #expect(FileManager.default.fileExists(atPath: sheet + "/thumbs/\(ids[0]).webp"))

        // delete asks on a terminal; without one it refuses unless --yes.
        let refused = try runCLI(["gallery", "delete", ids[0]], home: home)
        #expect(refused.status == 2 && refused.stderr.contains("--yes"))
        #expect(try runCLI(["gallery", "delete", "--yes", ids[0]], home: home).status == 0)
        let fsck = try runCLI(["gallery", "fsck"], home: home)
        #expect(fsck.status == 0 && fsck.stdout.contains("no drift"))
    }

    @Test func pinUnpinAndRetentionCommands() throws {
        let home = try TestPaths.makeTempDir(prefix: "afgp")
        let src = try GalleryFixtures.folder("afgq")
        defer {
            _ = try? runCLI(["daemon", "stop"], home: home)
            for dir in [home, src] { try? FileManager.default.removeItem(atPath: dir) }
        }
        for i in 0..<3 { try GalleryFixtures.a1111PNG(in: src, name: "p\(i).png", prompt: "pinned \(i)", seed: 500 + i) }
        let imp = try runCLI(["gallery", "import", src, "--json"], home: home)
        #expect(imp.status == 0, "\(imp.stderr)")
        let items = try #require(try JSONParser().parse(imp.stdout)["importResult"]?["items"]?.arrayValue)
        let ids = items.compactMap { $0["id"]?.stringValue }.sorted()
        #expect(ids.count == 3)
        let queued = try runCLI(["gallery", "import", src, "--no-wait", "--json"], home: home)
        #expect(queued.status == 0, "\(queued.stderr)")
        let queuedJob = try JSONParser().parse(queued.stdout)
        let jobId = try #require(queuedJob["id"]?.stringValue)
        #expect(queuedJob["kind"] == "import" && jobId.hasPrefix("job_"))
        let watched = try runCLI(["jobs", "watch", jobId, "--json"], home: home)
        let finished = try JSONParser().parse(watched.stdout)
        #expect(finished["status"] == "succeeded" && finished["importResult"]?["duplicates"] == 3, "\(watched.stdout)")
        #expect(try runCLI(["jobs", "list"], home: home).stdout.contains("store 3/3 files"))

        let pin = try runCLI(["gallery", "pin", ids[0]], home: home)
        #expect(pin.status == 0 && pin.stdout.contains("pinned 1 image"))
        let unknown = try runCLI(["gallery", "pin", "img_01JZZZZZZZZZZZZZZZZZZZZZZZ"], home: home)
        #expect(unknown.status == 1 && unknown.stderr.contains("img_01JZZZZZZZZZZZZZZZZZZZZZZZ"), "\(unknown.stderr)")
        #expect(try runCLI(["gallery", "retention", "--older-than", "soon"], home: home).status == 2)

        let dry = try runCLI(["gallery", "retention", "--older-than", "0d", "--dry-run"], home: home)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains(ids[1]) && dry.stdout.contains(ids[2]) && !dry.stdout.contains(ids[0]))
        #expect(dry.stdout.contains("would remove 2 image(s)") && dry.stdout.contains("KiB"), "\(dry.stdout)")
        // Without a terminal a real run needs --yes; nothing is removed meanwhile.
        let refused = try runCLI(["gallery", "retention", "--older-than", "0d"], home: home)
        #expect(refused.status == 2 && refused.stderr.contains("--yes"))
        #expect(try JSONParser().parse(try runCLI(["gallery", "list", "--json"], home: home).stdout)["items"]?.arrayValue?.count == 3)

        let real = try runCLI(["gallery", "retention", "--older-than", "0", "--yes", "--json"], home: home)
        #expect(real.status == 0, "\(real.stderr)")
        let removed = try JSONParser().parse(real.stdout)
        #expect(removed["imageIds"]?.arrayValue?.compactMap(\.stringValue).sorted() == [ids[1], ids[2]])
        #expect(removed["dryRun"] == false && (removed["bytes"]?.intValue ?? 0) > 0)
        let left = try JSONParser().parse(try runCLI(["gallery", "list", "--json"], home: home).stdout)
        #expect(left["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[0]])

        #expect(try runCLI(["gallery", "unpin", ids[0]], home: home).stdout.contains("unpinned 1 image"))
        let after = try runCLI(["gallery", "retention", "--older-than", "0d", "--dry-run"], home: home)
        #expect(after.stdout.contains(ids[0]) && after.stdout.contains("would remove 1 image(s)"))
        let fsck = try runCLI(["gallery", "fsck"], home: home)
        #expect(fsck.status == 0 && fsck.stdout.contains("no drift"))
    }
}
