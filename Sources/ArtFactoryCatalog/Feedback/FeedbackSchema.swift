import GRDB

/// Tables and triggers of the approval feedback store (migration `v3-feedback`).
///
/// - `reviews`: every approve/reject/clear with its time, reason and source (`user`, `handoff:NAME`,
///   `explore`); the history behind `assets.approved`, which keeps the current verdict.
/// - `asset_features`: for each reviewed image, the keys it counts under, as a JSON array of
///   `[scope, kind, value]` (scope `''` = all projects, or the project id). Written by the review path
///   (``FeedbackFeatures``) before the verdict changes.
/// - `feedback_stats`: approved/rejected counts per key and the Wilson lower bound of the approval
///   rate (95 %), kept exact by triggers on `assets`, so any write path that changes `approved` or
///   deletes an image updates them, and analytics read a handful of index rows instead of scanning.
enum FeedbackSchema {
    /// z² for a 95 % two-sided Wilson interval (z = 1.96).
    static let z = 1.96

    /// Wilson score lower bound of `a` successes in `n` trials, as SQL over column expressions.
    static func wilsonSQL(_ a: String, _ n: String) -> String {
        let p = "((\(a)) * 1.0 / (\(n)))"
        return """
        CASE WHEN (\(n)) <= 0 THEN 0.0 ELSE max(0.0, (\(p) + 1.9208 / (\(n)) \
        - 1.96 * sqrt((\(p) * (1.0 - \(p)) + 0.9604 / (\(n))) / (\(n)))) / (1.0 + 3.8416 / (\(n)))) END
        """
    }

    /// The keys of one asset's features row, as rows of (scope, kind, value).
    private static func keys(_ asset: String) -> String {
        """
        SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]')
        FROM asset_features f, json_each(f.features) j WHERE f.asset_id = \(asset)
        """
    }

    static var v3: String {
        """
        CREATE TABLE reviews (
            seq INTEGER PRIMARY KEY,
            asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
            approved INTEGER,
            reason TEXT,
            source TEXT NOT NULL DEFAULT 'user',
            created_at INTEGER NOT NULL);
        CREATE INDEX reviews_asset ON reviews(asset_id, seq);
        CREATE INDEX reviews_created ON reviews(created_at);
        CREATE TABLE asset_features (
            asset_id TEXT PRIMARY KEY NOT NULL,
            features TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE feedback_stats (
            scope TEXT NOT NULL,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            approved INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            lower_bound REAL NOT NULL DEFAULT 0,
            example_asset_id TEXT,
            PRIMARY KEY (scope, kind, value)) WITHOUT ROWID;
        CREATE INDEX feedback_stats_rank ON feedback_stats(scope, kind, lower_bound DESC, value);
        CREATE TRIGGER assets_feedback_update AFTER UPDATE OF approved ON assets
        WHEN old.approved IS NOT new.approved BEGIN
            INSERT OR IGNORE INTO feedback_stats(scope, kind, value) \(keys("new.id"));
            UPDATE feedback_stats
                SET approved = approved + (new.approved IS 1) - (old.approved IS 1),
                    rejected = rejected + (new.approved IS 0) - (old.approved IS 0),
                    example_asset_id = CASE WHEN new.approved IS 1 THEN new.id ELSE example_asset_id END
                WHERE (scope, kind, value) IN (\(keys("new.id")));
            UPDATE feedback_stats SET lower_bound = \(wilsonSQL("approved", "approved + rejected"))
                WHERE (scope, kind, value) IN (\(keys("new.id")));
        END;
        CREATE TRIGGER assets_feedback_delete AFTER DELETE ON assets BEGIN
            UPDATE feedback_stats
                SET approved = approved - (old.approved IS 1), rejected = rejected - (old.approved IS 0),
                    example_asset_id = CASE WHEN example_asset_id = old.id THEN NULL ELSE example_asset_id END
                WHERE (scope, kind, value) IN (\(keys("old.id")));
            UPDATE feedback_stats SET lower_bound = \(wilsonSQL("approved", "approved + rejected"))
                WHERE old.approved IS NOT NULL AND (scope, kind, value) IN (\(keys("old.id")));
            DELETE FROM asset_features WHERE asset_id = old.id;
        END;
        """
    }
}
