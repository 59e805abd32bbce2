import Testing
@testable import ArtFactoryCatalog

@Suite struct MigrationTests {
    @Test func openingRunsNamedMigrationsOnceAndReopenKeepsData() throws {
        let catalog = try TestCatalog()
        #expect(try catalog.db.appliedMigrations() == ["v1-initial", "v2-job-results", "v3-feedback", "v4-explore", "v5-handoff", "v6-slider-terms", "v7-visual-descriptors"])
        let project = try catalog.db.createProject("Poster")
        let reopened = try catalog.reopen()
        #expect(try reopened.appliedMigrations() == ["v1-initial", "v2-job-results", "v3-feedback", "v4-explore", "v5-handoff", "v6-slider-terms", "v7-visual-descriptors"])
        #expect(try reopened.project(project.id).name == "Poster")
    }

    @Test func openingInAMissingFolderFailsWithDatabaseError() {
        let error = catalogError { _ = try CatalogDatabase(path: "/nonexistent-folder-\(UInt64.random(in: 0...UInt64.max))/c.sqlite") }
        #expect(error?.code == .database)
    }
}
