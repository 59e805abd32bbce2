import Testing
@testable import ArtFactoryCatalog

/// A job and the generation rows it implies are written in one transaction: both or neither.
@Suite struct EnqueueTransactionTests {
    @Test func jobAndItsGenerationsAreStoredTogether() throws {
        let catalog = try TestCatalog()
        let job = try catalog.db.enqueue(kind: "batch") { job in
            (0..<3).map { Generation(prompt: "tile \($0)", status: .queued, createdAt: 1, jobId: job.id, batchId: job.id) }
        }
        let rows = try catalog.db.generations(limit: 10)
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0.jobId == job.id && $0.batchId == job.id && $0.status == .queued })
        #expect(try catalog.db.listJobs().map(\.id) == [job.id])
    }

    @Test func aGenerationThatCannotBeStoredLeavesNoJob() throws {
        let catalog = try TestCatalog()
        let good = Generation(prompt: "fine", status: .queued, createdAt: 1)
        // The second row names a project that does not exist: the whole enqueue rolls back.
        let error = catalogError {
            _ = try catalog.db.enqueue(kind: "batch") { job in
                [Generation(id: good.id, prompt: good.prompt, status: .queued, createdAt: 1, jobId: job.id),
                 Generation(projectId: "prj_missing", prompt: "orphan", status: .queued, createdAt: 1, jobId: job.id)]
            }
        }
        #expect(error?.code == .notFound)
        #expect(try catalog.db.listJobs().isEmpty)
        #expect(try catalog.db.generations(limit: 10).isEmpty)
    }

    @Test func aDuplicateGenerationIdLeavesNoJob() throws {
        let catalog = try TestCatalog()
        let existing = Generation(prompt: "first", status: .succeeded, createdAt: 1)
        try catalog.db.insertGeneration(existing)
        let error = catalogError {
            _ = try catalog.db.enqueue(kind: "generate") { job in [Generation(id: existing.id, prompt: "again", status: .queued, createdAt: 2, jobId: job.id)] }
        }
        #expect(error?.code == .conflict)
        #expect(try catalog.db.listJobs().isEmpty)
    }
}
