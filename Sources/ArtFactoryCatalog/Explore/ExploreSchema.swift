/// Tables of exploration runs (migration `v4-explore`).
///
/// - `explore_runs`: the prompt with `{slot}`s, the variant dimensions, the generate parameters,
///   the explore knob and the random state (so draws are reproducible and survive restarts).
/// - `explore_arms`: one row per dimension value with its approvals and rejections: the Beta
///   posterior is Beta(1 + approved, 1 + rejected).
/// - `explore_draws`: each draw's choice (`[[dimension, value], …]`), prompt and seed; the
///   generation made from it, or the outcome reported directly (`explore.report`).
///
/// A trigger moves image verdicts into the arms: approving or rejecting an image of a draw's
/// generation (through any path) updates every element that draw chose.
enum ExploreSchema {
    static let v4 = """
    CREATE TABLE explore_runs (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
        prompt TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        params TEXT NOT NULL DEFAULT '{}',
        explore REAL NOT NULL,
        rng_state INTEGER NOT NULL,
        draws INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL);
    CREATE TABLE explore_arms (
        run_id TEXT NOT NULL REFERENCES explore_runs(id) ON DELETE CASCADE,
        dimension TEXT NOT NULL,
        value TEXT NOT NULL,
        position INTEGER NOT NULL,
        approved INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0,
        drawn INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, dimension, value)) WITHOUT ROWID;
    CREATE TABLE explore_draws (
        id TEXT PRIMARY KEY NOT NULL,
        run_id TEXT NOT NULL REFERENCES explore_runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        choice TEXT NOT NULL,
        prompt TEXT NOT NULL,
        seed INTEGER NOT NULL,
        generation_id TEXT,
        job_id TEXT,
        outcome INTEGER,
        created_at INTEGER NOT NULL);
    CREATE INDEX explore_draws_run ON explore_draws(run_id, seq);
    CREATE INDEX explore_draws_generation ON explore_draws(generation_id) WHERE generation_id IS NOT NULL;
    CREATE TRIGGER assets_explore_update AFTER UPDATE OF approved ON assets
    WHEN old.approved IS NOT new.approved AND new.generation_id IS NOT NULL BEGIN
        UPDATE explore_arms
            SET approved = approved + (new.approved IS 1) - (old.approved IS 1),
                rejected = rejected + (new.approved IS 0) - (old.approved IS 0)
            WHERE (run_id, dimension, value) IN (
                SELECT d.run_id, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]')
                FROM explore_draws d, json_each(d.choice) j WHERE d.generation_id = new.generation_id);
    END;
    """
}
