import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// watch.* through the real socket and a real daemon: files dropped into a watched folder — whole,
/// written slowly in pieces, in a burst, duplicated, not images — are imported exactly once and
/// never half-read; watches survive restarts and missing folders; bad input changes nothing.
@Suite(.serialized) struct WatchTests {
    /// A daemon home whose config.json sets the settle interval explicitly (the test's timing relies on it).
    static func home(settleMs: Int) throws -> String {
        let home = try TestPaths.makeTempDir(prefix: "afwh")
        try Data("{\"watchSettleMs\": \(settleMs)}".utf8).write(to: URL(fileURLWithPath: home + "/config.json"))
        return home
    }

    /// A distinct PNG (A1111 metadata, noise pixels) as bytes.
    static func png(seed: Int, side: Int = 64) throws -> Data {
        let params = "watched export \(seed)\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: \(seed), Size: \(side)x\(side), Model: sd15"
        return try PNGEncoder().encode(try GalleryFixtures.pixels(side: side, seed: seed), parameters: params, recordJSON: nil)
    }

    static func sha256(_ data: Data) throws -> String {
        let tmp = try TestPaths.makeTempDir(prefix: "afwsum")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try data.write(to: URL(fileURLWithPath: tmp + "/f"))
        let r = try runProgram("/usr/bin/sha256sum", [tmp + "/f"], environment: [:])
        return String(r.stdout.prefix(64))
    }

    /// Polls watch.list until `done` holds for the watch (or `timeout` seconds pass); returns the last state.
    @discardableResult
    static func waitFor(_ c: RPCClient, _ id: String, timeout: Double = 60, subscriber: RPCClient? = nil,
                        notes: inout [RPCNotification], _ done: (WatchInfo) -> Bool) throws -> WatchInfo? {
        let deadline = Date().addingTimeInterval(timeout)
        var last: WatchInfo?
        while Date() < deadline {
            if let subscriber { while let n = try subscriber.waitForNotification(timeout: 0.05) { notes.append(n) } }
            last = try c.call(WatchList.self, NoParams()).watches.first { $0.id == id }
            if let last, done(last) { return last }
            usleep(100_000)
        }
        return last
    }

    /// Appends `data` to `path` in `pieces` parts, pausing `gaps[i]` ms after part i.
    static func writeSlowly(_ data: Data, to path: String, cuts: [Int], gapsMs: [Int]) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? h.close() }
        var start = 0
        for (i, cut) in (cuts + [data.count]).enumerated() {
            h.write(data.subdata(in: start..<cut))
            start = cut
            if i < gapsMs.count { usleep(UInt32(gapsMs[i] * 1000)) }
        }
    }

    @Test func twentyPNGsWholeSlowAndBurstAreImportedOnceAndSurviveRestart() throws {
        let home = try Self.home(settleMs: 400)
        let dir = try GalleryFixtures.folder("afwd")
        defer { for d in [home, dir] { try? FileManager.default.removeItem(atPath: d) } }
        var daemon: DaemonProcess? = try DaemonProcess.start(home: home)
        var c = try daemon!.client()
        let subscriber = try daemon!.client()
        _ = try subscriber.call(EventsSubscribe.self, .init(topics: [EventTopic.gallery]))
        let project = try c.call(ProjectCreate.self, .init(name: "Figma exports"))
        let w = try c.call(WatchAdd.self, .init(dir: dir, projectId: project.id, tags: ["figma"]))
        #expect(w.status == "watching" && w.as == "image" && w.tags == ["figma"] && w.imported == 0)

        var originals: [String: Data] = [:]
        for seed in 1...20 { originals["frame-\(seed).png"] = try Self.png(seed: seed) }
        func path(_ name: String) -> String { dir + "/" + name }
        // 6 written in one go.
        for seed in 1...6 { try originals["frame-\(seed).png"]!.write(to: URL(fileURLWithPath: path("frame-\(seed).png"))) }
        // 6 written slowly in 3 pieces, interleaved, with 700 ms and 450 ms pauses (longer than the
        // event debounce; the first is longer than the settle interval, so a piece is checked and retried).
        let slow = (7...12).map { "frame-\($0).png" }
        var handles: [FileHandle] = []
        for name in slow {
            _ = FileManager.default.createFile(atPath: path(name), contents: nil)
            handles.append(try FileHandle(forWritingTo: URL(fileURLWithPath: path(name))))
        }
        for (piece, gap) in [(0, 700), (1, 450), (2, 0)] {
            for (i, name) in slow.enumerated() {
                let data = originals[name]!
                let a = data.count * piece / 3, b = data.count * (piece + 1) / 3
                handles[i].write(data.subdata(in: a..<b))
            }
            usleep(UInt32(gap * 1000))
        }
        for h in handles { try h.close() }
        // One more written in 4 pieces with 300-600 ms pauses, starting with only part of the signature.
        let d13 = originals["frame-13.png"]!
        try Self.writeSlowly(d13, to: path("frame-13.png"), cuts: [4, d13.count / 2, d13.count - 5], gapsMs: [600, 300, 500])
        // A burst of 7 at once.
        for seed in 14...20 { try originals["frame-\(seed).png"]!.write(to: URL(fileURLWithPath: path("frame-\(seed).png"))) }
        // Not images: a text file (ignored) and text named .png (reported), plus a duplicate under another name.
        try Data("release notes".utf8).write(to: URL(fileURLWithPath: path("notes.txt")))
        try Data("this is not a picture at all".utf8).write(to: URL(fileURLWithPath: path("fake.png")))
        try originals["frame-3.png"]!.write(to: URL(fileURLWithPath: path("frame-3 copy.png")))

        var notes: [RPCNotification] = []
        let state = try #require(try Self.waitFor(c, w.id, subscriber: subscriber, notes: &notes) {
            $0.imported >= 20 && $0.duplicates >= 1 && $0.failed >= 1 && $0.pending == 0
        })
        #expect(state.imported == 20 && state.duplicates == 1 && state.failed == 1 && state.pending == 0, "\(state)")
        #expect(state.lastError?.contains("fake.png") == true, "\(state.lastError ?? "")")
        #expect(state.lastImportAt != nil)

        // Exactly 20 images, byte-identical to the complete files (so none was read half-written).
        let list = try c.call(GalleryList.self, .init(filter: GalleryFilter(projectId: project.id), limit: 100))
        #expect(list.items.count == 20)
        let expectedHashes = Set(try originals.values.map(Self.sha256))
        #expect(Set(list.items.map(\.sha256)) == expectedHashes)
        for item in list.items {
            let stored = try Data(contentsOf: URL(fileURLWithPath: item.path))
            #expect(originals.values.contains(stored), "\(item.path) differs from every source file")
            #expect(item.role == "output")
        }
        #expect(try c.call(GalleryList.self, .init(filter: GalleryFilter(tags: ["figma"]), limit: 100)).items.count == 20)
        // Metadata was read like gallery.import does.
        let one = try #require(list.items.first)
        #expect(try c.call(GalleryGet.self, .init(id: one.id)).generation?.model == "sd15")
        // Plugins saw each file: 20 imported + 1 duplicate, and the failure.
        while let n = try subscriber.waitForNotification(timeout: 0.3) { notes.append(n) }
        let imported = notes.filter { $0.method == "watch.imported" }
        #expect(imported.count == 21)
        #expect(imported.filter { $0.params["status"] == "duplicate" }.count == 1)
        #expect(notes.filter { $0.method == "watch.failed" }.count == 1)
        #expect(Set(imported.compactMap { $0.params["watchId"]?.stringValue }) == [w.id])

        // Restart: the watch persists, a file added while the daemon was down is imported at start,
        // and nothing already imported is imported again.
        #expect(daemon!.stop() == 0)
        daemon = nil
        try Self.png(seed: 98).write(to: URL(fileURLWithPath: path("while-down.png")))
        daemon = try DaemonProcess.start(home: home)
        c = try daemon!.client()
        let listed = try c.call(WatchList.self, NoParams()).watches
        #expect(listed.map(\.id) == [w.id] && listed.first?.dir == w.dir && listed.first?.tags == ["figma"])
        try Self.waitFor(c, w.id, notes: &notes) { $0.imported >= 21 }
        try Self.png(seed: 99).write(to: URL(fileURLWithPath: path("after-restart.png")))
        let after = try #require(try Self.waitFor(c, w.id, notes: &notes) { $0.imported >= 22 && $0.pending == 0 })
        #expect(after.imported == 22 && after.duplicates == 1 && after.failed == 1, "\(after)")
        usleep(UInt32(1_000_000))
        #expect(try c.call(GalleryList.self, .init(filter: GalleryFilter(projectId: project.id), limit: 100)).items.count == 22)
        #expect(daemon!.stop() == 0)
    }

    @Test func inputWatchesMissingFoldersAndBadInput() throws {
        let home = try Self.home(settleMs: 100)
        let dir = try GalleryFixtures.folder("afwi")
        let other = try GalleryFixtures.folder("afwo")
        defer { for d in [home, dir, other] { try? FileManager.default.removeItem(atPath: d) } }
        var daemon: DaemonProcess? = try DaemonProcess.start(home: home)
        var c = try daemon!.client()
        let project = try c.call(ProjectCreate.self, .init(name: "Sources"))
        var notes: [RPCNotification] = []

        // Bad input: each is refused and no watch appears.
        try Data("x".utf8).write(to: URL(fileURLWithPath: other + "/file.png"))
        expectError(RPCErrorCode.pathNotAllowed) { _ = try c.call(WatchAdd.self, .init(dir: "relative/dir", projectId: project.id)) }
        expectError(RPCErrorCode.invalidParams, mentioning: "does not exist") {
            _ = try c.call(WatchAdd.self, .init(dir: other + "/nope", projectId: project.id))
        }
        expectError(RPCErrorCode.invalidParams, mentioning: "not a folder") {
            _ = try c.call(WatchAdd.self, .init(dir: other + "/file.png", projectId: project.id))
        }
        expectError(RPCErrorCode.pathNotAllowed) { _ = try c.call(WatchAdd.self, .init(dir: "/etc", projectId: project.id)) }
        expectError(RPCErrorCode.pathNotAllowed, mentioning: "data directory") {
            _ = try c.call(WatchAdd.self, .init(dir: home + "/gallery", projectId: project.id))
        }
        expectError(RPCErrorCode.notFound) { _ = try c.call(WatchAdd.self, .init(dir: dir, projectId: "prj_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        expectError(RPCErrorCode.invalidParams, mentioning: "image or input") {
            _ = try c.call(WatchAdd.self, .init(dir: dir, projectId: project.id, as: "mask"))
        }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(WatchAdd.self, .init(dir: dir, projectId: project.id, tags: [" "])) }
        expectError(RPCErrorCode.invalidParams) {
            _ = try c.call("watch.add", params: ["dir": .string(dir), "projectId": .string(project.id), "recursive": true])
        }
        #expect(try c.call(WatchList.self, NoParams()).watches.isEmpty)

        // as: input stores input assets (no generation record) ready for generate source.
        let w = try c.call(WatchAdd.self, .init(dir: dir, projectId: project.id, as: "input"))
        expectError(RPCErrorCode.conflict, mentioning: w.id) { _ = try c.call(WatchAdd.self, .init(dir: dir + "/", projectId: project.id)) }
        try GalleryFixtures.a1111PNG(in: dir, name: "sketch.png", prompt: "a sketch", seed: 5)
        #expect(try #require(try Self.waitFor(c, w.id, notes: &notes) { $0.imported == 1 }).imported == 1)
        let item = try #require(try c.call(GalleryList.self, .init(filter: GalleryFilter(projectId: project.id))).items.first)
        #expect(item.role == "input")
        #expect(try c.call(GalleryGet.self, .init(id: item.id)).generation == nil)

        // A folder missing at start is reported, not fatal, and watched again once it is back.
        #expect(daemon!.stop() == 0)
        daemon = nil
        try FileManager.default.removeItem(atPath: dir)
        daemon = try DaemonProcess.start(home: home)
        c = try daemon!.client()
        let missing = try #require(try Self.waitFor(c, w.id, timeout: 10, notes: &notes) { $0.status == "missing" })
        #expect(missing.status == "missing" && missing.lastError?.contains("missing") == true)
        #expect(try c.call(DaemonStatus.self, NoParams()).counts["watches"] == 1)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        try GalleryFixtures.a1111PNG(in: dir, name: "back.png", prompt: "back again", seed: 6)
        let back = try #require(try Self.waitFor(c, w.id, timeout: 30, notes: &notes) { $0.imported == 2 })
        #expect(back.status == "watching" && back.imported == 2, "\(back)")
        let log = try String(contentsOfFile: home + "/logs/artfactoryd.log", encoding: .utf8)
        #expect(log.contains("a watched folder is missing"))

        // Stopping: neither, both, unknown id or folder are refused; by folder works.
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(WatchRemove.self, .init()) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(WatchRemove.self, .init(id: w.id, dir: dir)) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(WatchRemove.self, .init(id: "wch_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(WatchRemove.self, .init(dir: other)) }
        #expect(try c.call(WatchList.self, NoParams()).watches.count == 1)
        let removed = try c.call(WatchRemove.self, .init(dir: dir))
        #expect(removed.removed == w.id)
        #expect(try c.call(WatchList.self, NoParams()).watches.isEmpty)
        // No longer watched: a new file stays out of the gallery, also after a restart.
        try GalleryFixtures.a1111PNG(in: dir, name: "ignored.png", prompt: "not watched", seed: 7)
        usleep(800_000)
        #expect(daemon!.stop() == 0)
        daemon = try DaemonProcess.start(home: home)
        c = try daemon!.client()
        #expect(try c.call(WatchList.self, NoParams()).watches.isEmpty)
        usleep(500_000)
        #expect(try c.call(GalleryList.self, .init(limit: 10)).items.count == 2)
        #expect(daemon!.stop() == 0)
    }

    @Test func watchCommandAddsListsAndStops() throws {
        let home = try Self.home(settleMs: 100)
        let dir = try GalleryFixtures.folder("afwc")
        defer {
            _ = try? runCLI(["daemon", "stop"], home: home)
            for d in [home, dir] { try? FileManager.default.removeItem(atPath: d) }
        }
        #expect(try runCLI(["project", "create", "Brand Kit"], home: home).status == 0)
        let unknown = try runCLI(["watch", dir, "--project", "No Such"], home: home)
        #expect(unknown.status == 1 && unknown.stderr.contains("project create"), "status \(unknown.status): \(unknown.stderr)")
        let badAs = try runCLI(["watch", dir, "--project", "Brand Kit", "--as", "mask"], home: home)
        #expect(badAs.status == 2 && badAs.stderr.contains("--as"))
        let add = try runCLI(["watch", dir, "--project", "brand kit", "--tag", "figma", "--tag", "v2"], home: home)
        #expect(add.status == 0, "\(add.stderr)")
        let id = add.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.hasPrefix("wch_"))
        try GalleryFixtures.a1111PNG(in: dir, name: "hero.png", prompt: "hero frame", seed: 11)
        var imported = 0
        for _ in 0..<100 where imported == 0 {
            let json = try JSONParser().parse(try runCLI(["watch", "list", "--json"], home: home).stdout)
            imported = json["watches"]?.arrayValue?.first?["imported"]?.intValue.map(Int.init) ?? 0
            if imported == 0 { usleep(200_000) }
        }
        #expect(imported == 1)
        let table = try runCLI(["watch", "list"], home: home)
        #expect(table.stdout.contains("IMPORTED") && table.stdout.contains(id) && table.stdout.contains("figma,v2"))
        let again = try runCLI(["watch", "add", dir, "--project", "Brand Kit"], home: home)
        #expect(again.status == 1 && again.stderr.contains("already watched"))
        let stop = try runCLI(["watch", "stop", dir], home: home)
        #expect(stop.status == 0 && stop.stdout.contains(id), "\(stop.stderr)")
        #expect(try runCLI(["watch", "stop", id], home: home).status == 1)
        #expect(try runCLI(["watch", "list"], home: home).stdout.contains("No folders are watched"))
    }
}
