import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// gallery.import and gallery.export as jobs, through the socket: the call returns the queued job
/// at once; progress, cancel, unknown ids and bad input that queue nothing.
@Suite(.serialized) struct GalleryJobTests {
    @Test func importReturnsTheJobAtOnceAndReportsFileProgress() throws {
        let src = try GalleryFixtures.folder("afji")
        defer { try? FileManager.default.removeItem(atPath: src) }
        for i in 0..<12 { try GalleryFixtures.a1111PNG(in: src, name: "p\(i).png", prompt: "job \(i)", seed: 300 + i) }
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        _ = try c.call(EventsSubscribe.self, .init(topics: [EventTopic.job]))
        let queued = try c.call(GalleryImport.self, .init(paths: [src], tags: ["jobs"]))
        #expect(queued.kind == "import" && queued.status == "queued" && queued.importResult == nil)
        var phases: [String: (done: Int, total: Int)] = [:]
        var finalState: JobInfo?
        let deadline = Date().addingTimeInterval(60)
        while finalState == nil, Date() < deadline {
            guard let n = try c.waitForNotification(timeout: 1), n.params["id"]?.stringValue == queued.id else { continue }
            if n.method == "job.progress", let raw = n.params["progress"] {
                let p = try JSONValueDecoder().decode(JobProgress.self, from: raw)
                let phase = try #require(p.phase)
                phases[phase] = (try #require(p.done), try #require(p.total))
                #expect(p.image == p.done && p.images == p.total && p.totalSteps == 0)
            } else if n.method == "job.state" {
                let s = try JSONValueDecoder().decode(JobInfo.self, from: n.params)
                if ["succeeded", "failed", "canceled"].contains(s.status) { finalState = s }
            }
        }
        #expect(finalState?.status == "succeeded")
        #expect(phases["check"]?.done == 12 && phases["check"]?.total == 12, "\(phases)")
        #expect(phases["store"]?.done == 12 && phases["store"]?.total == 12, "\(phases)")
        let job = try c.call(JobGet.self, .init(id: queued.id))
        #expect(job.status == "succeeded" && job.progress?.done == 12 && job.startedAt != nil && job.finishedAt != nil)
        let outcome = try #require(job.importResult)
        #expect(outcome.imported == 12 && outcome.duplicates == 0 && outcome.items.count == 12)
        #expect(try c.call(JobList.self, .init()).jobs.contains { $0.id == queued.id && $0.importResult == outcome })
        #expect(try c.call(GalleryList.self, .init(filter: .init(tags: ["jobs"]), limit: 100)).items.count == 12)
        // Running it again links every file (by SHA-256) instead of copying it twice.
        #expect(try c.importImages(.init(paths: [src])).duplicates == 12)
        _ = daemon.stop()
    }

    @Test func cancelStopsAnImportAndKeepsOnlyWholeImages() throws {
        let src = try GalleryFixtures.folder("afjc")
        defer { try? FileManager.default.removeItem(atPath: src) }
        let count = 300
        for i in 0..<count { try GalleryFixtures.a1111PNG(in: src, name: "c\(i).png", prompt: "cancel \(i)", seed: 900 + i, side: 128) }
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        _ = try c.call(EventsSubscribe.self, .init(topics: [EventTopic.job]))
        let queued = try c.call(GalleryImport.self, .init(paths: [src]))
        // Cancel as soon as the import reports that it runs.
        let deadline = Date().addingTimeInterval(60)
        var running = false
        while !running, Date() < deadline {
            if let n = try c.waitForNotification(timeout: 1), n.method == "job.progress", n.params["id"]?.stringValue == queued.id { running = true }
        }
        #expect(running)
        let canceled = try c.call(JobCancel.self, .init(id: queued.id))
        #expect(canceled.status == "canceled")
        let settled = try GalleryCrashTests.waitForJob(c, queued.id)
        #expect(settled.status == "canceled" && settled.importResult == nil)
        // The worker stopped: nothing more appears.
        let before = try GalleryCrashTests.listAll(c).count
        Thread.sleep(forTimeInterval: 1)
        let listed = try GalleryCrashTests.listAll(c)
        #expect(listed.count == before && listed.count < count, "the import stopped early (\(listed.count) of \(count))")
        #expect(try c.call(GalleryFsck.self, .init(verifyHashes: true)).clean)
        #expect(GalleryFixtures.files(under: daemon.home + "/gallery").count == listed.count)
        // A finished job cannot be canceled again; unknown ids are not found and change nothing.
        expectError(RPCErrorCode.conflict) { _ = try c.call(JobCancel.self, .init(id: queued.id)) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(JobCancel.self, .init(id: "job_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(JobGet.self, .init(id: "job_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(JobRetry.self, .init(id: "nonsense")) }
        #expect(try c.call(JobGet.self, .init(id: queued.id)).status == "canceled")
        // Retried, the import finishes what the cancel left: the stored images are linked.
        _ = try c.call(JobRetry.self, .init(id: queued.id))
        let retried = try GalleryCrashTests.waitForJob(c, queued.id)
        #expect(retried.status == "succeeded")
        #expect(retried.importResult?.duplicates == listed.count && retried.importResult?.imported == count - listed.count)
        #expect(try GalleryCrashTests.listAll(c).count == count)
        _ = daemon.stop()
    }

    @Test func badInputQueuesNothingOrFailsTheJobWithItsCode() throws {
        let src = try GalleryFixtures.folder("afjb")
        let out = try GalleryFixtures.folder("afjo")
        defer {
            try? FileManager.default.removeItem(atPath: src)
            try? FileManager.default.removeItem(atPath: out)
        }
        let good = try GalleryFixtures.a1111PNG(in: src, name: "good.png", prompt: "good", seed: 1)
        let text = src + "/notes.png"
        try Data("not an image at all".utf8).write(to: URL(fileURLWithPath: text))
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        // Checked before queuing: no job appears.
        expectError(RPCErrorCode.pathNotAllowed) { _ = try c.call(GalleryImport.self, .init(paths: ["/etc/passwd"])) }
        expectError(RPCErrorCode.invalidParams, mentioning: "does not exist") { _ = try c.call(GalleryImport.self, .init(paths: [src + "/missing.png"])) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryImport.self, .init(paths: [])) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(GalleryImport.self, .init(paths: [good], projectId: "prj_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(GalleryExport.self, .init(destination: out + "/x.zip", ids: ["img_01JZZZZZZZZZZZZZZZZZZZZZZZ"])) }
        expectError(RPCErrorCode.invalidParams, mentioning: "format") { _ = try c.call(GalleryExport.self, .init(destination: out + "/x", format: "tar")) }
        expectError(RPCErrorCode.conflict) { _ = try c.call(GalleryExport.self, .init(destination: out)) }
        expectError(RPCErrorCode.pathNotAllowed) { _ = try c.call(GalleryExport.self, .init(destination: "/etc/x.zip")) }
        #expect(try c.call(JobList.self, .init()).jobs.isEmpty, "bad input queues nothing")
        // A non-image is found by the job: it fails with the file's error code, and nothing is stored.
        let failedJob = try c.call(GalleryImport.self, .init(paths: [good, text]))
        let failed = try GalleryCrashTests.waitForJob(c, failedJob.id)
        #expect(failed.status == "failed" && failed.errorCode == RPCErrorCode.invalidFile)
        #expect(failed.error?.contains("notes.png") == true && failed.error?.contains("Nothing was imported") == true)
        do {
            _ = try c.call(GalleryImport.self, .init(paths: [good, text], wait: true))
            Issue.record("a waited import of a non-image must fail")
        } catch let e as RPCError {
            #expect(e.code == RPCErrorCode.invalidFile && e.data?["jobId"]?.stringValue?.hasPrefix("job_") == true)
        }
        #expect(try c.call(GalleryList.self, .init()).items.isEmpty)
        #expect(GalleryFixtures.files(under: daemon.home + "/gallery").isEmpty)
        _ = daemon.stop()
    }

    @Test func exportIsAJobThatCanBeCanceledWhileQueued() throws {
        let src = try GalleryFixtures.folder("afje")
        let out = try GalleryFixtures.folder("afjx")
        defer {
            try? FileManager.default.removeItem(atPath: src)
            try? FileManager.default.removeItem(atPath: out)
        }
        for i in 0..<3 { try GalleryFixtures.a1111PNG(in: src, name: "e\(i).png", prompt: "export \(i)", seed: 70 + i) }
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        _ = try c.importImages(.init(paths: [src]))
        // Paused, the queue holds the export; canceling it leaves no file.
        _ = try c.call(QueuePause.self, NoParams())
        let held = try c.call(GalleryExport.self, .init(destination: out + "/held.zip"))
        #expect(held.kind == "export" && held.status == "queued")
        #expect(try c.call(JobCancel.self, .init(id: held.id)).status == "canceled")
        _ = try c.call(QueueResume.self, NoParams())
        let queued = try c.call(GalleryExport.self, .init(destination: out + "/all.zip"))
        let done = try GalleryCrashTests.waitForJob(c, queued.id)
        #expect(done.status == "succeeded" && done.progress?.done == 3 && done.progress?.total == 3)
        let outcome = try #require(done.exportResult)
        #expect(outcome.images == 3 && outcome.format == "zip" && outcome.path.hasSuffix("/all.zip"))
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try c.call(JobGet.self, .init(id: held.id)).status == "canceled")
        #expect(!FileManager.default.fileExists(atPath: out + "/held.zip"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["all.zip"], "no partial files left")
        _ = daemon.stop()
    }
}
