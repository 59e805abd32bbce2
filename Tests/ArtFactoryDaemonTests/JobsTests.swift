import ArtFactoryCatalog
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// The persistent queue through the socket: order, pause/resume, cancel/retry, reorder, crash recovery.
@Suite(.serialized) struct JobsTests {
    @Test func fiveClientsAtOnceAreQueuedAndServedInOrder() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        _ = try c.call(QueuePause.self, NoParams())
        let results = SubmitResults()
        let group = DispatchGroup()
        for i in 0..<5 {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let client = try f.daemon.client()
                    let r = try client.call(Generate.self, GenerationFixture.params("client \(i)", count: 1, seed: Int64(i), steps: 2))
                    results.add(r.jobId)
                } catch {
                    results.fail("\(error)")
                }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        let (submitted, failures) = results.snapshot
        #expect(failures.isEmpty, "\(failures)")
        #expect(submitted.count == 5)
        let waiting = try c.call(JobList.self, .init(status: ["queued"]))
        #expect(waiting.paused)
        #expect(Set(waiting.jobs.map(\.id)) == Set(submitted))
        let order = waiting.jobs.map(\.id)

        // Reorder: the last becomes next.
        let moved = try c.call(QueueReorder.self, .init(id: order[4], index: 0))
        let expectedOrder = [order[4]] + order[0..<4]
        #expect(moved.jobs.map(\.id) == expectedOrder)
        do {
            _ = try c.call(QueueReorder.self, .init(id: "job_missing", index: 0))
            Issue.record("reordering an unknown job must fail")
        } catch let e as RPCError { #expect(e.code == RPCErrorCode.notFound) }

        // Cancel one while waiting, then resume: the others run one at a time, in queue order.
        #expect(try c.call(JobCancel.self, .init(id: order[2])).status == "canceled")
        _ = try c.call(QueueResume.self, NoParams())
        var finished: [JobInfo] = []
        for id in expectedOrder where id != order[2] { finished.append(try f.wait(id)) }
        #expect(finished.allSatisfy { $0.status == "succeeded" })
        let starts = finished.map { $0.startedAt ?? 0 }
        let ends = finished.map { $0.finishedAt ?? 0 }
        #expect(starts == starts.sorted(), "jobs started in queue order")
        for i in 1..<finished.count { #expect(starts[i] >= ends[i - 1], "jobs never overlap") }

        // Retry the canceled one; a succeeded job cannot be retried.
        #expect(try c.call(JobRetry.self, .init(id: order[2])).status == "queued")
        #expect(try f.wait(order[2]).status == "succeeded")
        do {
            _ = try c.call(JobRetry.self, .init(id: order[2]))
            Issue.record("retrying a succeeded job must fail")
        } catch let e as RPCError { #expect(e.code == RPCErrorCode.conflict) }
    }

    @Test func killedDaemonFinishesTheJobAfterRestartWithoutDuplicates() throws {
        var f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        _ = try c.call(EventsSubscribe.self, .init(topics: ["job"]))
        let queued = try c.call(Generate.self, GenerationFixture.params("crash test", count: 6, seed: 100, steps: 8))
        // Wait until it is mid-way (image 2 started), then SIGKILL.
        let deadline = Date().addingTimeInterval(120)
        var midway = false
        while !midway, Date() < deadline {
            if let n = try c.waitForNotification(timeout: 5), n.method == "job.progress", let image = n.params["progress"]?["image"]?.intValue, image >= 2 {
                midway = true
            }
        }
        #expect(midway)
        f.daemon.stop(signal: SIGKILL)
        try f.restart()
        let info = try f.wait(queued.jobId)
        #expect(info.status == "succeeded")
        #expect(info.attempts == 2)
        #expect(info.images.map(\.seed) == Array(100...105))
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let detail = try catalog.generationDetail(queued.generationId)
        #expect(detail.assets.count == 6)
        #expect(Set(detail.assets.map(\.path)).count == 6)
        // Every file on disk belongs to a row and vice versa.
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: f.home + "/gallery") {
            while let rel = walker.nextObject() as? String { if rel.hasSuffix(".png") { files.append(rel) } }
        }
        #expect(Set(files) == Set(detail.assets.map(\.path)))
        let fsck = try f.daemon.client().call("gallery.fsck", params: ["verifyHashes": true])
        #expect(fsck["clean"] == true, "\(fsck)")
    }
}

/// Job ids collected from submitting threads.
private final class SubmitResults: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String] = []
    private var failures: [String] = []

    func add(_ id: String) {
        lock.lock()
        ids.append(id)
        lock.unlock()
    }

    func fail(_ message: String) {
        lock.lock()
        failures.append(message)
        lock.unlock()
    }

    var snapshot: ([String], [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (ids, failures)
    }
}
