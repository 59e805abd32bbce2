import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// Crash safety: SIGKILL the daemon in the middle of a large import, restart it on the same home,
/// and every image must be whole (file, thumbnail, row) or absent — fsck finds no drift.
@Suite(.serialized) struct GalleryCrashTests {
    @Test func sigkillDuringImportLeavesNoDrift() throws {
        let src = try GalleryFixtures.folder("afgc")
        let home = try TestPaths.makeTempDir(prefix: "afgh")
        defer {
            try? FileManager.default.removeItem(atPath: src)
            try? FileManager.default.removeItem(atPath: home)
        }
        let count = 240
        for i in 0..<count { try GalleryFixtures.a1111PNG(in: src, name: "img\(i).png", prompt: "crash \(i)", seed: 100 + i, side: 96) }
        let daemon = try DaemonProcess.start(home: home)
        let watcher = try daemon.client()
        _ = try watcher.call(EventsSubscribe.self, .init(topics: [EventTopic.job]))
        let job = try watcher.call(GalleryImport.self, .init(paths: [src]))
        #expect(job.kind == "import" && job.status == "queued", "the call returns the queued job at once")
        var stored = 0
        let deadline = Date().addingTimeInterval(120)
        while stored < count / 4, Date() < deadline {
            if let n = try watcher.waitForNotification(timeout: 1), n.method == "job.progress", n.params["id"]?.stringValue == job.id,
               n.params["progress"]?["phase"] == "store" {
                stored = Int(n.params["progress"]?["done"]?.intValue ?? 0)
            }
        }
        #expect(stored >= count / 4, "the import stored images before the kill")
        #expect(stored < count, "the kill came before the import finished")
        // Pausing holds the re-queued job after the restart, so the state the crash left can be checked first.
        _ = try watcher.call(QueuePause.self, NoParams())
        kill(daemon.pid, SIGKILL)
        _ = daemon.waitForExit(timeout: 10)

        let again = try DaemonProcess.start(home: home)
        let c = try again.client()
        let requeued = try c.call(JobGet.self, .init(id: job.id))
        #expect(requeued.status == "queued" && requeued.attempts == 1, "the interrupted import is queued again: \(requeued)")
        let fsck = try c.call(GalleryFsck.self, .init(verifyHashes: true))
        #expect(fsck.clean, "drift after the crash: \(fsck)")
        let listed = try Self.listAll(c)
        #expect(listed.count == fsck.checked && !listed.isEmpty && listed.count < count)
        for image in listed {
            #expect(FileManager.default.fileExists(atPath: image.path))
            #expect(FileManager.default.fileExists(atPath: image.thumbnailPath ?? "/nonexistent"))
        }
        // Every file on disk has its row.
        #expect(GalleryFixtures.files(under: home + "/gallery").count == listed.count)
        #expect(GalleryFixtures.files(under: home + "/thumbnails").count == listed.count)
        // Resumed, the job links what the first attempt stored and imports the rest: no duplicates.
        _ = try c.call(QueueResume.self, NoParams())
        let finished = try Self.waitForJob(c, job.id)
        #expect(finished.status == "succeeded" && finished.attempts == 2, "\(finished)")
        let outcome = try #require(finished.importResult)
        #expect(outcome.imported + outcome.duplicates == count && outcome.duplicates == listed.count && outcome.failed == 0)
        let after = try Self.listAll(c)
        #expect(after.count == count && Set(after.map(\.sha256)).count == count)
        #expect(try c.call(GalleryFsck.self, .init(verifyHashes: true)).clean)
        _ = again.stop()
    }

    static func listAll(_ c: RPCClient) throws -> [GalleryImage] {
        var listed: [GalleryImage] = []
        var cursor: String?
        repeat {
            let page = try c.call(GalleryList.self, .init(cursor: cursor, limit: 100))
            listed += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return listed
    }

    /// Polls `job.get` until the job is over (at most `timeout` seconds).
    static func waitForJob(_ c: RPCClient, _ id: String, timeout: TimeInterval = 120) throws -> JobInfo {
        let deadline = Date().addingTimeInterval(timeout)
        var info = try c.call(JobGet.self, .init(id: id))
        while !["succeeded", "failed", "canceled"].contains(info.status), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            info = try c.call(JobGet.self, .init(id: id))
        }
        return info
    }
}
