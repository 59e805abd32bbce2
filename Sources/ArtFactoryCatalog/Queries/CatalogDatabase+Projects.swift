import GRDB

extension CatalogDatabase {
    /// Creates a project; its slug is derived from the name (made unique with a numeric suffix).
    /// - Throws: `conflict` for a duplicate name (case-insensitive); `not_found` for an unknown profile.
    @discardableResult
    public func createProject(_ name: String, description: String = "", defaultProfileId: String? = nil,
                              brandLora: String? = nil) throws -> Project {
        let name = try Validation.name(name, kind: "project")
        return try write { db in
            if try Project.fetchOne(db, sql: "SELECT * FROM projects WHERE name = ?", arguments: [name]) != nil {
                throw CatalogError.duplicateName("project", name)
            }
            if let defaultProfileId { try db.requireExists("profiles", kind: "style profile", id: defaultProfileId) }
            let base = Project.slug(for: name)
            var slug = base
            var suffix = 2
            while try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM projects WHERE slug = ?)", arguments: [slug]) == true {
                slug = "\(base)-\(suffix)"
                suffix += 1
            }
            let now = clock()
            let project = Project(name: name, slug: slug, description: description, defaultProfileId: defaultProfileId,
                                  brandLora: brandLora, createdAt: now, updatedAt: now)
            try project.insert(db)
            return project
        }
    }

    /// Saves a project's editable fields (name, description, default profile, brand LoRA); the slug
    /// never changes. A rename updates the search index of the project's images.
    /// - Throws: `not_found`; `conflict` for a name another project has.
    @discardableResult
    public func updateProject(_ project: Project) throws -> Project {
        let name = try Validation.name(project.name, kind: "project")
        return try write { db in
            guard let stored = try Project.fetchOne(db, key: project.id) else { throw CatalogError.notFound("project", project.id) }
            if let other = try Project.fetchOne(db, sql: "SELECT * FROM projects WHERE name = ?", arguments: [name]), other.id != project.id {
                throw CatalogError.duplicateName("project", name)
            }
            if let profileId = project.defaultProfileId { try db.requireExists("profiles", kind: "style profile", id: profileId) }
            var updated = project
            updated.name = name
            updated.slug = stored.slug
            updated.createdAt = stored.createdAt
            updated.updatedAt = clock()
            try updated.update(db)
            if stored.name != name {
                try SearchIndex.reindex(db, where: "a.project_id = ?", arguments: [project.id])
            }
            return updated
        }
    }

    /// Renames a project (see ``updateProject(_:)``).
    @discardableResult
    public func renameProject(_ id: String, to name: String) throws -> Project {
        var project = try self.project(id)
        project.name = name
        return try updateProject(project)
    }

    /// The project with `id`.
    /// - Throws: `not_found`.
    public func project(_ id: String) throws -> Project {
        try read { db in
            guard let project = try Project.fetchOne(db, key: id) else { throw CatalogError.notFound("project", id) }
            return project
        }
    }

    /// The project named `name` (case-insensitive), or nil.
    public func project(named name: String) throws -> Project? {
        try read { db in try Project.fetchOne(db, sql: "SELECT * FROM projects WHERE name = ?", arguments: [name]) }
    }

    /// All projects by name.
    public func listProjects() throws -> [Project] {
        try read { db in try Project.fetchAll(db, sql: "SELECT * FROM projects ORDER BY name") }
    }

    /// Deletes an empty project (its collections and sessions go with it).
    /// - Throws: `not_found`; `conflict` while it still has generations or images.
    public func deleteProject(_ id: String) throws {
        try write { db in
            try db.requireExists("projects", kind: "project", id: id)
            let used = try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM assets WHERE project_id = ?) OR EXISTS(SELECT 1 FROM generations WHERE project_id = ?)
                """, arguments: [id, id]) ?? false
            if used {
                throw CatalogError(.conflict, "Project '\(id)' still has images or generations; delete or move them first.")
            }
            try db.execute(sql: "DELETE FROM projects WHERE id = ?", arguments: [id])
        }
    }

    // MARK: - Sessions

    /// Starts a session, optionally in a project.
    /// - Throws: `not_found` for an unknown project.
    @discardableResult
    public func createSession(_ name: String, projectId: String? = nil) throws -> Session {
        let name = try Validation.name(name, kind: "session")
        return try write { db in
            if let projectId { try db.requireExists("projects", kind: "project", id: projectId) }
            let session = Session(name: name, projectId: projectId, createdAt: clock())
            try session.insert(db)
            return session
        }
    }

    /// The session with `id`.
    public func session(_ id: String) throws -> Session {
        try read { db in
            guard let session = try Session.fetchOne(db, key: id) else { throw CatalogError.notFound("session", id) }
            return session
        }
    }

    /// Sessions newest first, optionally of one project.
    public func listSessions(projectId: String? = nil) throws -> [Session] {
        try read { db in
            try Session.fetchAll(db, sql: "SELECT * FROM sessions WHERE ? IS NULL OR project_id = ? ORDER BY created_at DESC, id DESC",
                                 arguments: [projectId, projectId])
        }
    }
}
