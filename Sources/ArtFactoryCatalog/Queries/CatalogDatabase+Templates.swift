import ArtFactoryJSON
import GRDB

extension CatalogDatabase {
    /// Saves a new template. Its version is its update time.
    /// - Throws: `conflict` for a duplicate name; `invalid_argument` when `params` is not an object.
    @discardableResult
    public func createTemplate(_ name: String, params: CatalogJSON, description: String = "") throws -> Template {
        let name = try Validation.name(name, kind: "template")
        guard params.objectValue != nil else { throw CatalogError.invalid("Template parameters must be a JSON object.") }
        return try write { db in
            if try Template.fetchOne(db, sql: "SELECT * FROM templates WHERE name = ?", arguments: [name]) != nil {
                throw CatalogError.duplicateName("template", name)
            }
            let now = clock()
            let template = Template(name: name, description: description, params: params, createdAt: now, updatedAt: now)
            try template.insert(db)
            return template
        }
    }

    /// Saves a template's name, description and parameters; its version (updatedAt) moves forward
    /// (strictly, even within one millisecond).
    /// - Throws: `not_found`; `conflict` for a name another template has.
    @discardableResult
    public func updateTemplate(_ template: Template) throws -> Template {
        let name = try Validation.name(template.name, kind: "template")
        guard template.params.objectValue != nil else { throw CatalogError.invalid("Template parameters must be a JSON object.") }
        return try write { db in
            guard let stored = try Template.fetchOne(db, key: template.id) else { throw CatalogError.notFound("template", template.id) }
            if let other = try Template.fetchOne(db, sql: "SELECT * FROM templates WHERE name = ?", arguments: [name]), other.id != template.id {
                throw CatalogError.duplicateName("template", name)
            }
            var updated = template
            updated.name = name
            updated.createdAt = stored.createdAt
            updated.updatedAt = max(clock(), stored.updatedAt + 1)
            try updated.update(db)
            return updated
        }
    }

    /// The template with `id`.
    public func template(_ id: String) throws -> Template {
        try read { db in
            guard let template = try Template.fetchOne(db, key: id) else { throw CatalogError.notFound("template", id) }
            return template
        }
    }

    /// The template named `name` (case-insensitive), or nil.
    public func template(named name: String) throws -> Template? {
        try read { db in try Template.fetchOne(db, sql: "SELECT * FROM templates WHERE name = ?", arguments: [name]) }
    }

    /// All templates by name.
    public func listTemplates() throws -> [Template] {
        try read { db in try Template.fetchAll(db, sql: "SELECT * FROM templates ORDER BY name") }
    }

    /// Deletes a template.
    public func deleteTemplate(_ id: String) throws {
        try write { db in
            try db.requireExists("templates", kind: "template", id: id)
            try db.execute(sql: "DELETE FROM templates WHERE id = ?", arguments: [id])
        }
    }

    // MARK: - Style profiles

    /// Saves a new style profile.
    /// - Throws: `conflict` for a duplicate name; `invalid_argument` for an empty term.
    @discardableResult
    public func createProfile(_ name: String, terms: [ProfileTerm], sliders: [String: Double] = [:],
                              sliderTerms: [String: String] = [:],
                              description: String = "", enabled: Bool = true) throws -> StyleProfile {
        let name = try Validation.name(name, kind: "style profile")
        try validateTerms(terms)
        try validateSliders(sliders, sliderTerms)
        return try write { db in
            if try StyleProfile.fetchOne(db, sql: "SELECT * FROM profiles WHERE name = ?", arguments: [name]) != nil {
                throw CatalogError.duplicateName("style profile", name)
            }
            let now = clock()
            let profile = StyleProfile(name: name, description: description, terms: terms, sliders: sliders,
                                       sliderTerms: sliderTerms, enabled: enabled, createdAt: now, updatedAt: now)
            try profile.insert(db)
            return profile
        }
    }

    /// Saves a profile's editable fields.
    /// - Throws: `not_found`; `conflict` for a name another profile has.
    @discardableResult
    public func updateProfile(_ profile: StyleProfile) throws -> StyleProfile {
        let name = try Validation.name(profile.name, kind: "style profile")
        try validateTerms(profile.terms)
        try validateSliders(profile.sliders, profile.sliderTerms)
        return try write { db in
            guard let stored = try StyleProfile.fetchOne(db, key: profile.id) else { throw CatalogError.notFound("style profile", profile.id) }
            if let other = try StyleProfile.fetchOne(db, sql: "SELECT * FROM profiles WHERE name = ?", arguments: [name]), other.id != profile.id {
                throw CatalogError.duplicateName("style profile", name)
            }
            var updated = profile
            updated.name = name
            updated.createdAt = stored.createdAt
            updated.updatedAt = max(clock(), stored.updatedAt + 1)
            try updated.update(db)
            return updated
        }
    }

    /// The profile with `id`.
    public func profile(_ id: String) throws -> StyleProfile {
        try read { db in
            guard let profile = try StyleProfile.fetchOne(db, key: id) else { throw CatalogError.notFound("style profile", id) }
            return profile
        }
    }

    /// All style profiles by name.
    public func listProfiles() throws -> [StyleProfile] {
        try read { db in try StyleProfile.fetchAll(db, sql: "SELECT * FROM profiles ORDER BY name") }
    }

    /// Deletes a profile; projects using it as default fall back to none.
    public func deleteProfile(_ id: String) throws {
        try write { db in
            try db.requireExists("profiles", kind: "style profile", id: id)
            try db.execute(sql: "DELETE FROM profiles WHERE id = ?", arguments: [id])
        }
    }

    private func validateTerms(_ terms: [ProfileTerm]) throws {
        for term in terms {
            guard !term.term.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CatalogError.invalid("A style profile term cannot be empty.")
            }
            guard term.weight.isFinite else { throw CatalogError.invalid("The weight of '\(term.term)' must be a finite number.") }
        }
    }

    private func validateSliders(_ sliders: [String: Double], _ terms: [String: String]) throws {
        guard sliders.count <= StyleProfile.maxSliders else {
            throw CatalogError.invalid("A style profile has at most \(StyleProfile.maxSliders) sliders; got \(sliders.count).")
        }
        for (name, value) in sliders.sorted(by: { $0.key < $1.key }) {
            guard StyleProfile.isSliderName(name) else {
                throw CatalogError.invalid("Slider name '\(name)' must be 1 to 64 letters, digits, - or _ (put spaces in its term).")
            }
            guard value.isFinite, (0...100).contains(value) else {
                throw CatalogError.invalid("Slider '\(name)' is \(value); use a position from 0 (off) to 100.")
            }
        }
        for (name, term) in terms.sorted(by: { $0.key < $1.key }) {
            guard sliders[name] != nil else {
                throw CatalogError.invalid("sliderTerms names '\(name)', which is not one of the profile's sliders; add it to sliders.")
            }
            let trimmed = term.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 200 else {
                throw CatalogError.invalid("The term of slider '\(name)' must be 1 to 200 characters.")
            }
            guard !trimmed.contains(where: { "():<>".contains($0) }) else {
                throw CatalogError.invalid("The term of slider '\(name)' may not contain ( ) : < or > (its weight is added for it).")
            }
        }
    }
}
