import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// Hand-off round trips through the real socket: an outbox/inbox folder and a loopback HTTP
/// endpoint, each with a daemon restart in the middle, and the verdicts landing as reviews.
@Suite(.serialized) struct HandoffTests {
    /// Polls `handoff.list` until every hand-off in `ids` has one of `statuses`.
    static func waitFor(_ c: RPCClient, _ ids: [String], _ statuses: Set<String>, timeout: Double = 30) throws -> [HandoffInfo] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let items = try c.call(HandoffList.self, .init(limit: 1000)).handoffs.filter { ids.contains($0.id) }
            if items.count == ids.count && items.allSatisfy({ statuses.contains($0.status) }) { return items }
            if Date() > deadline { throw TestFailure("hand-offs not \(statuses): \(items.map { "\($0.id) \($0.status) \($0.error ?? "")" })") }
            usleep(100_000)
        }
    }

    static func images(_ c: RPCClient, _ dir: String, prompts: [String]) throws -> [GalleryImage] {
        for (i, p) in prompts.enumerated() { try GalleryFixtures.a1111PNG(in: dir, name: "in\(i).png", prompt: p, seed: 10 + i) }
        let ids = try c.importImages(.init(paths: [dir])).items.sorted { $0.path < $1.path }.compactMap(\.id)
        return try ids.map { try c.call(GalleryGet.self, .init(id: $0)).image }
    }

    @Test func folderRoundTripSurvivesAKilledDaemon() throws {
        let src = try GalleryFixtures.folder("afho-src"), pipe = try GalleryFixtures.folder("afho-pipe")
        defer { for d in [src, pipe] { try? FileManager.default.removeItem(atPath: d) } }
        // An explicit home: a DaemonProcess that made its own removes it when released (at a restart).
        let home = try TestPaths.makeTempDir(prefix: "afho")
        defer { try? FileManager.default.removeItem(atPath: home) }
        var daemon = try DaemonProcess.start(home: home)
        var c = try daemon.client()
        let imgs = try Self.images(c, src, prompts: ["a red kite", "a blue kite"])
        let targets = try c.call(HandoffSetTarget.self, .init(name: "pipe", folder: pipe)).targets
        #expect(targets.map(\.name) == ["pipe"])
        // Bad input records nothing.
        expectError(RPCErrorCode.notFound) { _ = try c.call(GalleryHandoff.self, .init(ids: [imgs[0].id], to: "nowhere")) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(GalleryHandoff.self, .init(ids: [imgs[0].id, "img_01JZZZZZZZZZZZZZZZZZZZZZZZ"], to: "pipe")) }
        expectError(RPCErrorCode.pathNotAllowed) { _ = try c.call(HandoffSetTarget.self, .init(name: "rel", folder: "relative/dir")) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(HandoffSetTarget.self, .init(name: "web", url: "http://example.com/x")) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(HandoffSetTarget.self, .init(name: "both")) }
        #expect(try c.call(HandoffList.self, .init()).handoffs.isEmpty)

        // Hand off, then kill the daemon at once: the queued rows are delivered after the restart.
        let queued = try c.call(GalleryHandoff.self, .init(ids: imgs.map(\.id), to: "pipe")).handoffs
        #expect(queued.count == 2 && queued.allSatisfy { $0.status == "queued" })
        _ = daemon.stop(signal: SIGKILL)
        daemon = try DaemonProcess.start(home: home)
        c = try daemon.client()
        let ids = queued.map(\.id)
        _ = try Self.waitFor(c, ids, ["sent"])
        for (h, img) in zip(queued, imgs) {
            let png = pipe + "/outbox/\(h.id).png"
            #expect(FileManager.default.contents(atPath: png) == FileManager.default.contents(atPath: img.path))
            var st = stat()
            #expect(stat(png, &st) == 0 && st.st_mode & 0o777 == 0o600)
            let manifest = try JSONParser().parse(try String(contentsOfFile: pipe + "/outbox/\(h.id).json", encoding: .utf8))
            #expect(manifest["handoffId"]?.stringValue == h.id && manifest["imageId"]?.stringValue == img.id)
            #expect(manifest["prompt"]?.stringValue?.hasSuffix("kite") == true && manifest["file"]?.stringValue == "\(h.id).png")
        }

        // Verdicts through the inbox, with a restart between writing them and reading them.
        _ = daemon.stop()
        try #"{"handoffId": "\#(ids[0])", "verdict": "approve", "reason": "sharp"}"#.write(toFile: pipe + "/inbox/a.json", atomically: true, encoding: .utf8)
        try #"{"handoffId": "\#(ids[1])", "verdict": "reject"}"#.write(toFile: pipe + "/inbox/b.json", atomically: true, encoding: .utf8)
        try "not json".write(toFile: pipe + "/inbox/c.json", atomically: true, encoding: .utf8)
        daemon = try DaemonProcess.start(home: home)
        c = try daemon.client()
        let done = try Self.waitFor(c, ids, ["approved", "rejected"])
        #expect(done.first { $0.id == ids[0] }?.status == "approved" && done.first { $0.id == ids[0] }?.reason == "sharp")
        #expect(done.first { $0.id == ids[1] }?.status == "rejected")
        let history = try c.call(GalleryReviews.self, .init(id: imgs[0].id))
        #expect(history.verdict == .approve && history.reviews.last?.source == "handoff:pipe")
        #expect(try c.call(AnalyticsTop.self, .init()).base.reviews == 2)
        #expect(Set((try? FileManager.default.contentsOfDirectory(atPath: pipe + "/inbox/processed")) ?? []) == ["a.json", "b.json"])
        #expect((try? FileManager.default.contentsOfDirectory(atPath: pipe + "/inbox/rejected")) == ["c.json"])
        _ = daemon.stop()
    }

    /// Whether the fake pipeline accepts posts yet.
    final class Switch: @unchecked Sendable {
        private let lock = NSLock()
        private var on = false
        var isOn: Bool {
            get { lock.withLock { on } }
            set { lock.withLock { on = newValue } }
        }
    }

    @Test func httpRoundTripRetriesAcrossARestart() throws {
        let src = try GalleryFixtures.folder("afho-http")
        defer { try? FileManager.default.removeItem(atPath: src) }
        let accepting = Switch()
        let server = try LoopbackHTTPServer { _ in accepting.isOn ? .json(["ok": true]) : .init(status: 503) }
        defer { server.stop() }
        // An explicit home: a DaemonProcess that made its own removes it when released (at a restart).
        let home = try TestPaths.makeTempDir(prefix: "afho")
        defer { try? FileManager.default.removeItem(atPath: home) }
        var daemon = try DaemonProcess.start(home: home)
        var c = try daemon.client()
        let img = try Self.images(c, src, prompts: ["a green kite"])[0]
        _ = try c.call(HandoffSetTarget.self, .init(name: "web", url: server.baseURL + "/enhance"))
        let h = try #require(try c.call(GalleryHandoff.self, .init(ids: [img.id], to: "web")).handoffs.first)

        // The pipeline is down: the hand-off stays queued with the error, and cannot be reported yet.
        let deadline = Date().addingTimeInterval(20)
        var seen: HandoffInfo?
        while Date() < deadline {
            seen = try c.call(HandoffList.self, .init(imageId: img.id)).handoffs.first
            if (seen?.attempts ?? 0) >= 1 { break }
            usleep(100_000)
        }
        #expect(seen?.status == "queued" && seen?.error?.contains("503") == true, "\(String(describing: seen))")
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(HandoffReport.self, .init(id: h.id, verdict: .approve)) }

        // Restart, the pipeline comes up, the queued hand-off is delivered.
        _ = daemon.stop()
        accepting.isOn = true
        daemon = try DaemonProcess.start(home: home)
        c = try daemon.client()
        _ = try Self.waitFor(c, [h.id], ["sent"])
        let post = try #require(server.requests.last { $0.method == "POST" && $0.path == "/enhance" })
        let body = try #require(post.json)
        #expect(body["handoffId"]?.stringValue == h.id && body["prompt"]?.stringValue == "a green kite")
        let keyHeader = post.headers.first { $0.key.lowercased() == "idempotency-key" }?.value
        #expect(keyHeader == h.id, "every delivery of a hand-off carries its id as Idempotency-Key")
        let bytes = try #require(body["imageBase64"]?.stringValue.flatMap { Data(base64Encoded: $0) })
        #expect(bytes == FileManager.default.contents(atPath: img.path))

        // The verdict comes back by RPC and lands in the feedback store.
        let reported = try c.call(HandoffReport.self, .init(id: h.id, verdict: .reject, reason: "halo artefacts"))
        #expect(reported.status == "rejected" && reported.reason == "halo artefacts")
        let history = try c.call(GalleryReviews.self, .init(id: img.id))
        #expect(history.verdict == .reject && history.reviews.map(\.source) == ["handoff:web"])
        expectError(RPCErrorCode.notFound) { _ = try c.call(HandoffReport.self, .init(id: "hof_01JZZZZZZZZZZZZZZZZZZZZZZZ", verdict: .approve)) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(HandoffReport.self, .init(id: h.id, verdict: .clear)) }
        // CLI: list and remove the target.
        let list = try runCLI(["handoff", "list"], home: home)
        #expect(list.status == 0 && list.stdout.contains(h.id) && list.stdout.contains("rejected"))
        #expect(try runCLI(["handoff", "target", "web", "--remove"], home: home).status == 0)
        #expect(try c.call(HandoffList.self, .init()).targets.isEmpty)
        _ = daemon.stop()
    }
}
