import Testing
@testable import ArtFactoryCatalog

@Suite struct TemplateProfileSettingsTests {
    @Test func templatesAreUniqueAndVersionedByUpdateTime() throws {
        let catalog = try TestCatalog()
        let template = try catalog.db.createTemplate("Portrait", params: .object(["steps": .int(30)]))
        #expect(catalogError { try catalog.db.createTemplate("portrait", params: .object([:])) }?.code == .conflict)
        #expect(catalogError { try catalog.db.createTemplate("x", params: .int(1)) }?.code == .invalidArgument)
        var edited = template
        edited.params = .object(["steps": .int(40)])
        let saved = try catalog.db.updateTemplate(edited)
        #expect(saved.version > template.version)
        #expect(try catalog.db.template(named: "PORTRAIT")?.params == .object(["steps": .int(40)]))
        try catalog.db.deleteTemplate(template.id)
        #expect(try catalog.db.listTemplates().isEmpty)
        #expect(catalogError { try catalog.db.deleteTemplate(template.id) }?.code == .notFound)
    }

    @Test func profilesStoreWeightedTermsAndSliders() throws {
        let catalog = try TestCatalog()
        let profile = try catalog.db.createProfile("Brand", terms: [ProfileTerm(term: "teal", weight: 1.3)], sliders: ["warmth": 0.2])
        let loaded = try catalog.db.profile(profile.id)
        #expect(loaded.terms == [ProfileTerm(term: "teal", weight: 1.3)] && loaded.sliders == ["warmth": 0.2] && loaded.enabled)
        #expect(catalogError { try catalog.db.createProfile("brand", terms: []) }?.code == .conflict)
        #expect(catalogError { try catalog.db.createProfile("x", terms: [ProfileTerm(term: " ")]) }?.code == .invalidArgument)
        var disabled = loaded
        disabled.enabled = false
        #expect(try catalog.db.updateProfile(disabled).enabled == false)
    }

    @Test func settingsStoreJSONByKey() throws {
        let catalog = try TestCatalog()
        try catalog.db.setSetting("calibration.sd15.512", .object(["step_ms": .double(412.5)]))
        try catalog.db.setSetting("calibration.sd15.512", .object(["step_ms": .double(400)]))
        try catalog.db.setSetting("other", .bool(true))
        #expect(try catalog.db.setting("calibration.sd15.512") == .object(["step_ms": .double(400)]))
        #expect(try catalog.db.settings(prefix: "calibration.").count == 1)
        #expect(try catalog.db.removeSetting("other"))
        #expect(try catalog.db.setting("other") == nil)
        #expect(catalogError { try catalog.db.setSetting("", .null) }?.code == .invalidArgument)
    }
}
