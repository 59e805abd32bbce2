@testable import ArtFactoryCatalog
@testable import ArtFactoryDaemon
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import GRDB
import Logging
import Testing

/// Failure injection on the job runner's write paths. The catalog is made to refuse every write
/// (SQLite's `query_only` on its one writer connection: the same refusal as a read-only file or a
/// full disk) while a job runs, and the tests show that the job's outcome is neither lost nor left
/// "running": it is shown at once, written as soon as the catalog takes writes again, and, should
/// the daemon stop first, the job is recovered at the next start. (Killed writers: JobsTests,
/// BatchTests and GalleryCrashTests SIGKILL the real daemon mid-job.)
@Suite(.serialized) struct WriteFailureTests {
    /// Lets a test hold a running job at a known point.
    final class Gate: @unchecked Sendable {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var count = 0
        var runs: Int { lock.withLock { count } }
        func enter() { lock.withLock { count += 1 } }
    }

    struct Fixture {
        let dir: String
        let catalog: CatalogDatabase
        let loop: EventLoop
        let events: EventBus

        init() throws {
            dir = NSTemporaryDirectory() + "afwf-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            catalog = try CatalogDatabase(path: dir + "/catalog.sqlite")
            loop = try EventLoop()
            events = EventBus(loop: loop)
        }

        /// The refusals are expected here: keep their log lines out of the test output.
        static let logger = Logger(label: "write-failure-tests") { _ in SwiftLogNoOpLogHandler() }

        func runner(_ kinds: [JobKind]) -> JobRunner {
            let runner = JobRunner(catalog: catalog, events: events, logger: Self.logger)
            runner.register(kinds)
            return runner
        }

        /// Turns refusing writes on or off.
        func refuseWrites(_ refuse: Bool) throws {
            try catalog.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = \(refuse ? 1 : 0)") }
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// A kind that waits at the gate, reports progress, then succeeds with a result.
    static func probe(_ gate: Gate) -> JobKind {
        JobKind("probe", lane: .files) { context in
            gate.enter()
            gate.entered.signal()
            _ = gate.release.wait(timeout: .now() + 30)
            try context.report(JobProgress(files: 1, of: 1, etaSeconds: 0, phase: "done"))
            context.result = .object(["made": .int(1)])
        }
    }

    static func eventually(_ what: String, within seconds: Double = 15, _ check: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try check() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out waiting until \(what)")
    }

    @Test func refusedFinishIsShownThenRecordedWhenTheCatalogTakesWritesAgain() throws {
        let f = try Fixture()
        defer { f.remove() }
        let gate = Gate()
        let runner = f.runner([Self.probe(gate)])
        try runner.start()
        defer { runner.stop() }
        let job = try f.catalog.enqueue(kind: "probe")
        runner.queued(job)
        #expect(gate.entered.wait(timeout: .now() + 15) == .success)

        try f.refuseWrites(true)
        gate.release.signal()
        // The outcome shows at once, with why it is not stored yet; the row still says running.
        try Self.eventually("the outcome shows") { runner.describe(try f.catalog.job(job.id)).status == "succeeded" }
        let shown = runner.describe(try f.catalog.job(job.id))
        #expect(shown.error?.contains("did not take this job's outcome") == true)
        #expect(try f.catalog.job(job.id).status == .running)
        #expect(try runner.waitUntilFinished(job.id).status == .succeeded)
        // Progress and finish were both refused, and both counted.
        #expect(runner.writeFailures >= 2)

        try f.refuseWrites(false)
        runner.wake()
        try Self.eventually("the outcome is recorded") { try f.catalog.job(job.id).status == .succeeded }
        let stored = try f.catalog.job(job.id)
        #expect(stored.result == .object(["made": .int(1)]))
        #expect(stored.error == nil)
        #expect(runner.describe(stored).error == nil)
        #expect(gate.runs == 1)
    }

    @Test func outcomeRefusedUntilShutdownIsRecoveredAtTheNextStart() throws {
        let f = try Fixture()
        defer { f.remove() }
        let gate = Gate()
        let first = f.runner([Self.probe(gate)])
        try first.start()
        let job = try f.catalog.enqueue(kind: "probe")
        first.queued(job)
        #expect(gate.entered.wait(timeout: .now() + 15) == .success)
        try f.refuseWrites(true)
        gate.release.signal()
        try Self.eventually("the outcome shows") { first.describe(try f.catalog.job(job.id)).status == "succeeded" }
        first.stop()   // one more try, still refused: the row says running
        Thread.sleep(forTimeInterval: 0.3)   // the first runner's worker sees the stop and exits
        #expect(try f.catalog.job(job.id).status == .running)

        // The next start (catalog writable again) re-queues the job by its kind's rule and runs it.
        try f.refuseWrites(false)
        let second = f.runner([Self.probe(gate)])
        try second.start()
        defer { second.stop() }
        #expect(gate.entered.wait(timeout: .now() + 15) == .success)
        gate.release.signal()
        try Self.eventually("the rerun is recorded") { try f.catalog.job(job.id).status == .succeeded }
        #expect(gate.runs == 2)
    }

    @Test func aKindThatMustNotRunTwiceIsFailedAtRecovery() throws {
        let f = try Fixture()
        defer { f.remove() }
        let job = try f.catalog.enqueue(kind: "once")
        _ = try f.catalog.claimNext(kinds: ["once"])   // left running, as by a crash
        let runner = f.runner([JobKind("once", lane: .files, recovery: .fail) { _ in Issue.record("must not run again") }])
        try runner.start()
        defer { runner.stop() }
        let recovered = try f.catalog.job(job.id)
        #expect(recovered.status == .failed)
        #expect(recovered.error?.contains("retry it") == true)
    }

    @Test func queueThatCannotRecoverRefusesToStart() throws {
        let f = try Fixture()
        defer { f.remove() }
        let job = try f.catalog.enqueue(kind: "probe")
        _ = try f.catalog.claimNext()
        try f.refuseWrites(true)
        let runner = f.runner([Self.probe(Gate())])
        #expect(throws: CatalogError.self) { try runner.start() }
        try f.refuseWrites(false)
        #expect(try f.catalog.job(job.id).status == .running, "nothing was half-recovered")
    }

    @Test func refusedGenerationStatusIsAddedToTheJobsError() throws {
        let f = try Fixture()
        defer { f.remove() }
        let runner = f.runner([])
        let job = try f.catalog.enqueue(kind: "generate") { job in
            [Generation(prompt: "a lighthouse", status: .running, createdAt: 1, jobId: job.id)]
        }
        let generation = try #require(try f.catalog.generations(before: nil, limit: 10).first)
        let context = JobContext(job: job, runner: runner)
        let runEnd = GenerationRunEnd(catalog: f.catalog, logger: Fixture.logger)
        try f.refuseWrites(true)
        let thrown = runEnd.failed(generation.id, fallback: generation, error: RPCError(code: RPCErrorCode.unavailable, message: "the model is gone"),
                                   context: context)
        try f.refuseWrites(false)
        let rpc = try #require(thrown as? RPCError)
        #expect(rpc.code == RPCErrorCode.unavailable)
        #expect(rpc.message.hasPrefix("the model is gone"))
        #expect(rpc.message.contains("could not be marked failed"))
        // Written normally, the error passes through unchanged and the row says failed.
        let again = runEnd.failed(generation.id, fallback: generation, error: RPCError(code: RPCErrorCode.unavailable, message: "the model is gone"),
                                  context: context)
        #expect((again as? RPCError)?.message == "the model is gone")
        #expect(try f.catalog.generation(generation.id).status == .failed)
    }
}
