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
        let socket = daemon.socketPath
        // The import runs on a plain thread (never a Swift task: it blocks on the socket).
        let importer = Thread {
            if let c = try? RPCClient(socketPath: socket, timeout: 120) { _ = try? c.call(GalleryImport.self, .init(paths: [src])) }
        }
        importer.start()
        var done: Int64 = 0
        let deadline = Date().addingTimeInterval(120)
        while done < Int64(count / 4), Date() < deadline {
            if let n = try watcher.waitForNotification(timeout: 1), n.method == "job.progress" { done = n.params["done"]?.intValue ?? done }
        }
        #expect(done >= Int64(count / 4), "the import made progress before the kill")
        #expect(done < Int64(count), "the kill came before the import finished")
        kill(daemon.pid, SIGKILL)
        _ = daemon.waitForExit(timeout: 10)

        let again = try DaemonProcess.start(home: home)
        let c = try again.client()
        let fsck = try c.call(GalleryFsck.self, .init(verifyHashes: true))
        #expect(fsck.clean, "drift after the crash: \(fsck)")
        var listed: [GalleryImage] = []
        var cursor: String?
        repeat {
            let page = try c.call(GalleryList.self, .init(cursor: cursor, limit: 100))
            listed += page.items
            cursor = page.nextCursor
        } while cursor != nil
        #expect(listed.count == fsck.checked)
        for image in listed {
            #expect(FileManager.default.fileExists(atPath: image.path))
            #expect(FileManager.default.fileExists(atPath: image.thumbnailPath ?? "/nonexistent"))
        }
        // Every file on disk has its row.
        #expect(GalleryFixtures.files(under: home + "/gallery").count == listed.count)
        #expect(GalleryFixtures.files(under: home + "/thumbnails").count == listed.count)
        // The interrupted import can simply be run again: what was stored is linked, the rest imported.
        let rerun = try c.call(GalleryImport.self, .init(paths: [src]))
        #expect(rerun.imported + rerun.duplicates == count && rerun.duplicates == listed.count)
        #expect(try c.call(GalleryFsck.self, .init()).clean)
        _ = again.stop()
    }
}
