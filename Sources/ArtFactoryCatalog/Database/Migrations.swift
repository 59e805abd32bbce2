import GRDB

/// The catalog schema, as an append-only list of named migrations.
///
/// Never edit a shipped migration; append a new one ("v2-...") instead. Conventions: ids are
/// prefixed text ids (``CatalogID``), times are INTEGER milliseconds since the epoch, booleans are
/// INTEGER 0/1, JSON columns are TEXT. `assets` has an explicit `seq INTEGER PRIMARY KEY` so its
/// rowid is stable across VACUUM; the full-text table `asset_search` uses that rowid.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: v1Tables)
            try db.execute(sql: v1Indexes)
            try db.execute(sql: v1Search)
        }
        // Imports and exports are jobs too; their outcome (counts, items, paths) and the wire error
        // code of a failure are kept with the job so `job.get` can show them after a restart.
        migrator.registerMigration("v2-job-results") { db in
            try db.execute(sql: "ALTER TABLE jobs ADD COLUMN result TEXT")
            try db.execute(sql: "ALTER TABLE jobs ADD COLUMN error_code INTEGER")
        }
        // Approval feedback: review history, per-image analytics keys and trigger-maintained counts
        // (see FeedbackSchema); images reviewed before this migration are counted once here.
        migrator.registerMigration("v3-feedback") { db in
            try db.execute(sql: FeedbackSchema.v3)
            _ = try CatalogDatabase.rebuildFeedbackStats(db)
        }
        // Exploration runs: variant dimensions, Beta posteriors per element, draws (ExploreSchema).
        migrator.registerMigration("v4-explore") { db in
            try db.execute(sql: ExploreSchema.v4)
        }
        // Hand-offs of images to enhancement pipelines, tracked per image (CatalogDatabase+Handoff).
        migrator.registerMigration("v5-handoff") { db in
            try db.execute(sql: HandoffRecord.v5)
        }
        // Style-profile sliders name the term they weight ("warmth" -> "warm golden light"); before,
        // a slider was only a stored number that no generation used.
        migrator.registerMigration("v6-slider-terms") { db in
            try db.execute(sql: "ALTER TABLE profiles ADD COLUMN slider_terms TEXT NOT NULL DEFAULT '{}'")
        }
        // Visual descriptors for "more like this" (gallery.similar): one per image, measured from its
        // pixels; images stored before this migration get theirs lazily (VisualDescriptorSchema).
        migrator.registerMigration("v7-visual-descriptors") { db in
            try db.execute(sql: VisualDescriptorSchema.v7)
        }
        return migrator
    }

    private static let v1Tables = """
    CREATE TABLE profiles (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        description TEXT NOT NULL DEFAULT '',
        terms TEXT NOT NULL DEFAULT '[]',
        sliders TEXT NOT NULL DEFAULT '{}',
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL);
    CREATE TABLE projects (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        slug TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        default_profile_id TEXT REFERENCES profiles(id) ON DELETE SET NULL,
        brand_lora TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL);
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL);
    CREATE TABLE generations (
        id TEXT PRIMARY KEY NOT NULL,
        session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
        parent_generation_id TEXT REFERENCES generations(id) ON DELETE SET NULL,
        project_id TEXT REFERENCES projects(id),
        prompt TEXT NOT NULL,
        negative_prompt TEXT NOT NULL DEFAULT '',
        params TEXT NOT NULL DEFAULT '{}',
        model TEXT NOT NULL DEFAULT '',
        provider TEXT NOT NULL DEFAULT '',
        seed INTEGER,
        status TEXT NOT NULL,
        error TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        completed_at INTEGER,
        duration_ms INTEGER,
        cost REAL,
        job_id TEXT,
        batch_id TEXT,
        remote_id TEXT);
    CREATE TABLE assets (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        generation_id TEXT REFERENCES generations(id),
        project_id TEXT REFERENCES projects(id),
        session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
        model TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL CHECK (role IN ('input', 'mask', 'output', 'thumbnail')),
        path TEXT NOT NULL UNIQUE,
        thumbnail_path TEXT,
        sha256 TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        mime TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        pinned INTEGER NOT NULL DEFAULT 0,
        favorited_at INTEGER,
        rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        approved INTEGER);
    CREATE TABLE tags (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at INTEGER NOT NULL);
    CREATE TABLE asset_tags (
        asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        tag_id TEXT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (asset_id, tag_id)) WITHOUT ROWID;
    CREATE TABLE collections (
        id TEXT PRIMARY KEY NOT NULL,
        project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
        name TEXT NOT NULL COLLATE NOCASE,
        description TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL);
    CREATE TABLE collection_items (
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (collection_id, asset_id)) WITHOUT ROWID;
    CREATE TABLE templates (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        description TEXT NOT NULL DEFAULT '',
        params TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL);
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'paused')),
        priority INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL,
        params TEXT NOT NULL DEFAULT '{}',
        progress TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 3,
        error TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL);
    """

    private static let v1Indexes = """
    CREATE UNIQUE INDEX collections_name ON collections(ifnull(project_id, ''), name COLLATE NOCASE);
    CREATE INDEX generations_created ON generations(created_at, id);
    CREATE INDEX generations_parent ON generations(parent_generation_id);
    CREATE INDEX generations_session ON generations(session_id);
    CREATE INDEX generations_project ON generations(project_id);
    CREATE INDEX assets_created ON assets(created_at, id);
    CREATE INDEX assets_project_created ON assets(project_id, created_at, id);
    CREATE INDEX assets_session_created ON assets(session_id, created_at, id);
    CREATE INDEX assets_model_created ON assets(model, created_at, id);
    CREATE INDEX assets_bytes ON assets(bytes, id);
    CREATE INDEX assets_rating ON assets(rating, id);
    CREATE INDEX assets_favorite_created ON assets(created_at, id) WHERE favorited_at IS NOT NULL;
    CREATE INDEX assets_sha256 ON assets(sha256);
    CREATE INDEX assets_generation ON assets(generation_id);
    CREATE INDEX asset_tags_tag ON asset_tags(tag_id, asset_id);
    CREATE INDEX collection_items_asset ON collection_items(asset_id);
    CREATE INDEX collection_items_order ON collection_items(collection_id, position);
    CREATE INDEX jobs_queue ON jobs(status, priority, position);
    """

    /// Full-text index: one document per asset (rowid = assets.seq). Content columns are filled by
    /// `SearchIndex` from the generation, tags, project and collections; the trigger removes the
    /// document when the asset row goes, so no delete path can forget it.
    private static let v1Search = """
    CREATE VIRTUAL TABLE asset_search USING fts5(
        prompt, negative_prompt, tags, project, collections,
        tokenize = 'unicode61 remove_diacritics 2');
    CREATE TRIGGER assets_search_delete AFTER DELETE ON assets BEGIN
        DELETE FROM asset_search WHERE rowid = old.seq;
    END;
    """
}
