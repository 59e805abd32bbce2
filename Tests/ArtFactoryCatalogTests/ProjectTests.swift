import Testing
@testable import ArtFactoryCatalog

@Suite struct ProjectTests {
    @Test func duplicateNamesAreConflictsCaseInsensitively() throws {
        let catalog = try TestCatalog()
        let project = try catalog.db.createProject("Poster Series")
        #expect(project.slug == "poster-series")
        let error = catalogError { try catalog.db.createProject("poster series") }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("poster series") == true)
    }

    @Test func slugsStayUniqueAndStableAcrossRenames() throws {
        let catalog = try TestCatalog()
        let first = try catalog.db.createProject("A/B")
        let second = try catalog.db.createProject("a b")
        #expect(first.slug == "a-b")
        #expect(second.slug == "a-b-2")
        let renamed = try catalog.db.renameProject(first.id, to: "Completely Different")
        #expect(renamed.slug == "a-b")
        #expect(renamed.name == "Completely Different")
    }

    @Test func renameToAnotherProjectsNameIsConflict() throws {
        let catalog = try TestCatalog()
        _ = try catalog.db.createProject("One")
        let two = try catalog.db.createProject("Two")
        #expect(catalogError { try catalog.db.renameProject(two.id, to: "ONE") }?.code == .conflict)
        #expect(try catalog.db.project(two.id).name == "Two")
        // Changing only the case of its own name is fine.
        #expect(try catalog.db.renameProject(two.id, to: "TWO").name == "TWO")
    }

    @Test func unknownIdsAndEmptyNamesGetClearErrors() throws {
        let catalog = try TestCatalog()
        let error = catalogError { _ = try catalog.db.project("prj_00000000000000000000000000") }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("project") == true)
        #expect(error?.message.contains("prj_00000000000000000000000000") == true)
        #expect(catalogError { try catalog.db.createProject("   ") }?.code == .invalidArgument)
        #expect(catalogError { try catalog.db.createProject("x", defaultProfileId: "prf_nope") }?.code == .notFound)
    }

    @Test func projectWithImagesCannotBeDeletedButEmptyOneCan() throws {
        let catalog = try TestCatalog()
        let used = try catalog.db.createProject("Used")
        let empty = try catalog.db.createProject("Empty")
        try catalog.addGeneration(projectId: used.id)
        #expect(catalogError { try catalog.db.deleteProject(used.id) }?.code == .conflict)
        try catalog.db.deleteProject(empty.id)
        #expect(try catalog.db.listProjects().map(\.name) == ["Used"])
    }

    @Test func defaultProfileFallsBackToNoneWhenProfileIsDeleted() throws {
        let catalog = try TestCatalog()
        let profile = try catalog.db.createProfile("Noir", terms: [ProfileTerm(term: "film noir", weight: 1.2)])
        let project = try catalog.db.createProject("P", defaultProfileId: profile.id, brandLora: "acme-v2")
        #expect(try catalog.db.project(project.id).defaultProfileId == profile.id)
        try catalog.db.deleteProfile(profile.id)
        #expect(try catalog.db.project(project.id).defaultProfileId == nil)
        #expect(try catalog.db.project(project.id).brandLora == "acme-v2")
    }

    @Test func sessionsBelongToProjectsAndUnknownProjectIsNotFound() throws {
        let catalog = try TestCatalog()
        let project = try catalog.db.createProject("P")
        let session = try catalog.db.createSession("Morning", projectId: project.id)
        #expect(try catalog.db.listSessions(projectId: project.id).map(\.id) == [session.id])
        #expect(catalogError { try catalog.db.createSession("x", projectId: "prj_missing") }?.code == .notFound)
    }
}
