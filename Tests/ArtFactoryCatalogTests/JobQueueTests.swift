import Testing
@testable import ArtFactoryCatalog

@Suite struct JobQueueTests {
    @Test func claimTakesHighestPriorityThenOldest() throws {
        let catalog = try TestCatalog()
        let low1 = try catalog.db.enqueue(kind: "generate")
        let high = try catalog.db.enqueue(kind: "generate", priority: 5)
        let low2 = try catalog.db.enqueue(kind: "generate")
        let claimed = try #require(try catalog.db.claimNext())
        #expect(claimed.id == high.id && claimed.status == .running && claimed.attempts == 1 && claimed.startedAt != nil)
        #expect(try catalog.db.claimNext()?.id == low1.id)
        #expect(try catalog.db.claimNext()?.id == low2.id)
        #expect(try catalog.db.claimNext() == nil)
    }

    @Test func claimByKindAndProgressAndFinish() throws {
        let catalog = try TestCatalog()
        _ = try catalog.db.enqueue(kind: "generate")
        let export = try catalog.db.enqueue(kind: "export")
        let claimed = try #require(try catalog.db.claimNext(kinds: ["export"]))
        #expect(claimed.id == export.id)
        try catalog.db.updateJobProgress(export.id, .object(["done": .int(3), "of": .int(10)]))
        #expect(try catalog.db.job(export.id).progress == .object(["done": .int(3), "of": .int(10)]))
        try catalog.db.finishJob(export.id, status: .succeeded)
        #expect(try catalog.db.job(export.id).status == .succeeded)
        #expect(catalogError { try catalog.db.updateJobProgress(export.id, .null) }?.code == .conflict)
        #expect(catalogError { try catalog.db.finishJob(export.id, status: .failed) }?.code == .conflict)
        #expect(catalogError { try catalog.db.finishJob(export.id, status: .queued) }?.code == .invalidArgument)
        #expect(catalogError { _ = try catalog.db.job("job_missing") }?.code == .notFound)
    }

    @Test func requeueAfterCrashRestoresRunningJobsAndFailsExhaustedOnes() throws {
        let catalog = try TestCatalog()
        let first = try catalog.db.enqueue(kind: "generate", maxAttempts: 3)
        let fragile = try catalog.db.enqueue(kind: "generate", maxAttempts: 1)
        let waiting = try catalog.db.enqueue(kind: "generate")
        _ = try catalog.db.claimNext()
        _ = try catalog.db.claimNext()
        // The daemon dies here; a new process opens the same file.
        let restarted = try catalog.reopen()
        let report = try restarted.requeueInterrupted()
        #expect(report.requeued == [first.id])
        #expect(report.failed == [fragile.id])
        #expect(try restarted.job(fragile.id).status == .failed)
        let again = try #require(try restarted.claimNext())
        #expect(again.id == first.id && again.attempts == 2)
        #expect(try restarted.claimNext()?.id == waiting.id)
    }

    @Test func cancelRetryPauseAndReorder() throws {
        let catalog = try TestCatalog()
        let a = try catalog.db.enqueue(kind: "k")
        let b = try catalog.db.enqueue(kind: "k")
        let c = try catalog.db.enqueue(kind: "k")
        try catalog.db.moveJob(c.id, toIndex: 0)
        #expect(try catalog.db.listJobs(statuses: [.queued]).map(\.id) == [c.id, a.id, b.id])
        try catalog.db.pauseJob(c.id)
        #expect(try catalog.db.claimNext()?.id == a.id)
        try catalog.db.resumeJob(c.id)
        try catalog.db.cancelJob(b.id)
        #expect(catalogError { try catalog.db.cancelJob(b.id) }?.code == .conflict)
        #expect(try catalog.db.claimNext()?.id == c.id)
        let retried = try catalog.db.retryJob(b.id)
        #expect(retried.status == .queued && retried.attempts == 0)
        #expect(try catalog.db.claimNext()?.id == b.id)
        #expect(catalogError { try catalog.db.moveJob(b.id, toIndex: 0) }?.code == .conflict)
        #expect(catalogError { _ = try catalog.db.enqueue(kind: "") }?.code == .invalidArgument)
    }
}
