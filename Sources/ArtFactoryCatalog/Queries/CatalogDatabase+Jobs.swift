import ArtFactoryJSON
import GRDB

/// What ``CatalogDatabase/requeueInterrupted()`` did at start-up.
public struct RequeueReport: Codable, Sendable, Hashable {
    /// Jobs that were running and are queued again.
    public var requeued: [String]
    /// Jobs that were running but had used all their attempts; now failed.
    public var failed: [String]
}

extension CatalogDatabase {
    /// Adds a job at the end of the queue.
    /// - Parameters:
    ///   - kind: what to run (`generate`, `import`, ...).
    ///   - params: the job's arguments (JSON).
    ///   - priority: higher runs first; equal priorities run in queue order.
    ///   - maxAttempts: claims allowed before an interrupted job is failed (≥ 1).
    ///   - generations: the generation rows the job implies (status `queued`), given the new job so
    ///     they can name it; inserted in the same transaction as the job, so a failure leaves
    ///     neither the job nor any of them.
    /// - Throws: `invalid_argument` for a bad kind, attempt count or generation; `not_found` for a
    ///   generation's unknown project, session or parent; `conflict` for a duplicate generation id.
    @discardableResult
    public func enqueue(kind: String, params: CatalogJSON = .object([:]), priority: Int = 0, maxAttempts: Int = 3,
                        generations: (Job) -> [Generation] = { _ in [] }) throws -> Job {
        guard !kind.isEmpty else { throw CatalogError.invalid("A job needs a kind such as 'generate'.") }
        guard maxAttempts >= 1 else { throw CatalogError.invalid("maxAttempts must be at least 1.") }
        return try write { db in
            let position = (try Int64.fetchOne(db, sql: "SELECT max(position) FROM jobs") ?? 0) + 1
            let job = Job(kind: kind, priority: priority, position: position, params: params,
                          maxAttempts: maxAttempts, createdAt: clock())
            try job.insert(db)
            for generation in generations(job) {
                try Validation.id(generation.id, .generation, name: "generation")
                try insertGenerationRow(db, generation)
            }
            return job
        }
    }

    /// Atomically takes the next queued job (highest priority, then queue order), marks it running,
    /// stamps `startedAt` and counts the attempt. Returns nil when nothing is queued.
    /// - Parameter kinds: only jobs of these kinds (nil: any).
    public func claimNext(kinds: [String]? = nil) throws -> Job? {
        try write { db in
            var sql = "SELECT * FROM jobs WHERE status = 'queued'"
            var arguments = StatementArguments()
            if let kinds, !kinds.isEmpty {
                sql += " AND kind IN (\(databaseQuestionMarks(count: kinds.count)))"
                arguments += StatementArguments(kinds)
            }
            sql += " ORDER BY priority DESC, position ASC LIMIT 1"
            guard var job = try Job.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
            job.status = .running
            job.attempts += 1
            job.startedAt = clock()
            job.finishedAt = nil
            job.error = nil
            job.errorCode = nil
            try job.update(db)
            return job
        }
    }

    /// Records a running job's progress (free-form JSON, for example `{"step": 12, "of": 30}`).
    /// - Throws: `not_found`; `conflict` when the job is not running.
    public func updateJobProgress(_ id: String, _ progress: CatalogJSON) throws {
        try write { db in
            let job = try fetchJob(db, id)
            guard job.status == .running else {
                throw CatalogError(.conflict, "Job '\(id)' is \(job.status.rawValue), not running; progress is only recorded while it runs.")
            }
            try db.execute(sql: "UPDATE jobs SET progress = ? WHERE id = ?", arguments: [progress, id])
        }
    }

    /// Ends a running job as succeeded or failed.
    /// - Parameters:
    ///   - error: why it failed, saying what to do.
    ///   - errorCode: the wire error code of the failure, when known.
    ///   - result: what the job produced (kept with the job).
    /// - Throws: `invalid_argument` for another status; `conflict` when the job is not running.
    @discardableResult
    public func finishJob(_ id: String, status: JobStatus, error: String? = nil, errorCode: Int? = nil,
                          result: CatalogJSON? = nil) throws -> Job {
        guard status == .succeeded || status == .failed else {
            throw CatalogError.invalid("finishJob takes 'succeeded' or 'failed'; use cancelJob to cancel.")
        }
        return try transition(id, from: [.running], to: status, error: error, errorCode: errorCode, result: result)
    }

    /// Cancels a queued, paused or running job (the worker stops a running one when it sees this).
    @discardableResult
    public func cancelJob(_ id: String) throws -> Job {
        try transition(id, from: [.queued, .paused, .running], to: .canceled, error: nil)
    }

    /// Holds a queued job back until ``resumeJob(_:)``.
    @discardableResult
    public func pauseJob(_ id: String) throws -> Job {
        try transition(id, from: [.queued], to: .paused, error: nil)
    }

    /// Puts a paused job back in the queue at its old place.
    @discardableResult
    public func resumeJob(_ id: String) throws -> Job {
        try transition(id, from: [.paused], to: .queued, error: nil)
    }

    /// Queues a failed or canceled job again, at the end of the queue, with a fresh attempt count.
    @discardableResult
    public func retryJob(_ id: String) throws -> Job {
        try write { db in
            var job = try fetchJob(db, id)
            guard job.status == .failed || job.status == .canceled else {
                throw CatalogError(.conflict, "Job '\(id)' is \(job.status.rawValue); only failed or canceled jobs can be retried.")
            }
            job.status = .queued
            job.attempts = 0
            job.error = nil
            job.errorCode = nil
            job.result = nil
            job.progress = nil
            job.startedAt = nil
            job.finishedAt = nil
            job.position = (try Int64.fetchOne(db, sql: "SELECT max(position) FROM jobs") ?? 0) + 1
            try job.update(db)
            return job
        }
    }

    /// At daemon start-up: jobs left `running` by a crash go back to `queued` (keeping their place),
    /// or to `failed` when they have used all their attempts (a job that crashes the daemon every
    /// time must not loop forever). Jobs of the kinds in `failing` are failed at once: their work
    /// must not run twice unless the user retries it.
    public func requeueInterrupted(failing: Set<String> = []) throws -> RequeueReport {
        try write { db in
            let running = try Job.fetchAll(db, sql: "SELECT * FROM jobs WHERE status = 'running' ORDER BY position")
            var report = RequeueReport(requeued: [], failed: [])
            let now = clock()
            for var job in running {
                if failing.contains(job.kind) {
                    job.status = .failed
                    job.error = "Interrupted (the daemon stopped while it ran); this kind of job is not restarted on its own, retry it to run again."
                    job.finishedAt = now
                    report.failed.append(job.id)
                } else if job.attempts >= job.maxAttempts {
                    job.status = .failed
                    job.error = "Interrupted \(job.attempts) time(s) (the daemon stopped while it ran); retry it to run again."
                    job.finishedAt = now
                    report.failed.append(job.id)
                } else {
                    job.status = .queued
                    job.startedAt = nil
                    report.requeued.append(job.id)
                }
                try job.update(db)
            }
            return report
        }
    }

    /// The job with `id`.
    public func job(_ id: String) throws -> Job {
        try read { db in try fetchJob(db, id) }
    }

    /// Jobs in claim order (priority, then position), optionally only some statuses.
    public func listJobs(statuses: [JobStatus]? = nil, limit: Int = 1000) throws -> [Job] {
        try Validation.limit(limit)
        return try read { db in
            var sql = "SELECT * FROM jobs"
            var arguments = StatementArguments()
            if let statuses, !statuses.isEmpty {
                sql += " WHERE status IN (\(databaseQuestionMarks(count: statuses.count)))"
                arguments += StatementArguments(statuses.map(\.rawValue))
            }
            sql += " ORDER BY priority DESC, position ASC LIMIT ?"
            arguments += [limit]
            return try Job.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// Moves a queued or paused job to `index` (0 = next) among the waiting jobs of its priority.
    /// - Throws: `not_found`; `conflict` when the job is not waiting; `invalid_argument` for a negative index.
    public func moveJob(_ id: String, toIndex index: Int) throws {
        guard index >= 0 else { throw CatalogError.invalid("The queue index must be 0 or more.") }
        try write { db in
            let job = try fetchJob(db, id)
            guard job.status == .queued || job.status == .paused else {
                throw CatalogError(.conflict, "Job '\(id)' is \(job.status.rawValue); only waiting jobs can be reordered.")
            }
            var waiting = try String.fetchAll(db, sql: """
                SELECT id FROM jobs WHERE status IN ('queued', 'paused') AND priority = ? AND id != ? ORDER BY position
                """, arguments: [job.priority, id])
            let positions = try Int64.fetchAll(db, sql: """
                SELECT position FROM jobs WHERE status IN ('queued', 'paused') AND priority = ? ORDER BY position
                """, arguments: [job.priority])
            waiting.insert(id, at: min(index, waiting.count))
            // Reuse the same set of positions so other priorities and finished jobs are untouched.
            for (jobId, position) in zip(waiting, positions) {
                try db.execute(sql: "UPDATE jobs SET position = ? WHERE id = ?", arguments: [position, jobId])
            }
        }
    }

    private func fetchJob(_ db: Database, _ id: String) throws -> Job {
        guard let job = try Job.fetchOne(db, key: id) else { throw CatalogError.notFound("job", id) }
        return job
    }

    private func transition(_ id: String, from allowed: Set<JobStatus>, to status: JobStatus, error: String?,
                            errorCode: Int? = nil, result: CatalogJSON? = nil) throws -> Job {
        try write { db in
            var job = try fetchJob(db, id)
            guard allowed.contains(job.status) else {
                throw CatalogError(.conflict, "Job '\(id)' is \(job.status.rawValue) and cannot become \(status.rawValue).")
            }
            job.status = status
            job.error = error
            job.errorCode = errorCode
            if let result { job.result = result }
            if status.isFinished { job.finishedAt = clock() }
            try job.update(db)
            return job
        }
    }
}
