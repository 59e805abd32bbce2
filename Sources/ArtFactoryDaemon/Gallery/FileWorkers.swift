import Foundation
import Glibc

/// A bounded pool of threads for the file jobs (import, export): one per core, each lowered by
/// ``niceIncrement`` so a generation running beside an import on the engine lane keeps most of
/// the CPU while the import still uses whatever is idle.
enum FileWorkers {
    /// How much lower than the daemon the file workers run (Linux nice is per thread).
    static let niceIncrement: Int32 = 5

    /// Worker threads for `count` items: one per core, never more than the items.
    static func width(for count: Int) -> Int {
        max(1, min(count, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// Runs `body(i)` for every `i` in `0..<count`, in index order of claiming, on up to
    /// ``width(for:)`` threads, and returns when all are done. The first error `body` throws
    /// (for example `CancellationError`) stops the handing out of new items and is rethrown here.
    static func run(count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        guard count > 0 else { return }
        let state = PoolState()
        let group = DispatchGroup()
        for n in 0..<width(for: count) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                // who = 0 is the calling thread on Linux; raising one's own nice value needs no privilege.
                let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, current + niceIncrement)
                while let index = state.next(limit: count) {
                    do { try body(index) } catch {
                        state.fail(error)
                        return
                    }
                }
            }
            thread.name = "artfactory-files-\(n)"
            thread.stackSize = 4 << 20
            thread.start()
        }
        group.wait()
        if let error = state.error { throw error }
    }

    private final class PoolState: @unchecked Sendable {
        private let lock = NSLock()
        private var cursor = 0
        private(set) var firstError: Error?

        func next(limit: Int) -> Int? {
            lock.withLock {
                guard firstError == nil, cursor < limit else { return nil }
                defer { cursor += 1 }
                return cursor
            }
        }

        func fail(_ error: Error) { lock.withLock { if firstError == nil { firstError = error } } }
        var error: Error? { lock.withLock { firstError } }
    }
}

/// Counts finished files of one phase and reports `done/total` with an ETA from the rate so far.
/// Thread-safe. `report` throws `CancellationError` when the job was canceled.
final class FileProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let phase: String?
    private let started = DispatchTime.now().uptimeNanoseconds
    private var done = 0
    private let report: @Sendable (Int, Int, Double?, String?) throws -> Void

    init(total: Int, phase: String?, report: @escaping @Sendable (_ done: Int, _ total: Int, _ eta: Double?, _ phase: String?) throws -> Void) {
        self.total = total
        self.phase = phase
        self.report = report
    }

    /// Counts one more file and reports.
    func step() throws {
        let (count, eta): (Int, Double?) = lock.withLock {
            done += 1
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            return (done, done > 0 ? elapsed / Double(done) * Double(total - done) : nil)
        }
        try report(count, total, eta, phase)
    }

    /// Reports the start (0 done), so a client sees the phase and total at once.
    func begin() throws { try report(0, total, nil, phase) }
}
