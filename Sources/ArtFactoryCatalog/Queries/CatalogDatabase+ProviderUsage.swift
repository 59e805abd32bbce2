import GRDB

extension CatalogDatabase {
    /// What a remote provider has been asked for since `since` (ms since the epoch): images
    /// requested and their cost in US dollars (the recorded cost, else the estimate made at submit).
    /// Canceled generations and failures that never reached the provider (no remote id) do not count.
    public func providerUsage(provider: String, since: Int64) throws -> (images: Int, cost: Double) {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(COALESCE(json_extract(params, '$.count'), 1)), 0) AS images, COALESCE(SUM(cost), 0) AS cost
                FROM generations
                WHERE provider = ? AND created_at >= ? AND status != 'canceled' AND NOT (status = 'failed' AND remote_id IS NULL)
                """, arguments: [provider, since])
            return (Int(row?["images"] as Int64? ?? 0), row?["cost"] as Double? ?? 0)
        }
    }
}
