import ArtFactoryJSON
import GRDB

extension CatalogDatabase {
    /// Stores a JSON value under `key` (calibrations such as `calibration.step_ms.<model>.<size>`).
    /// - Throws: `invalid_argument` for an empty key.
    public func setSetting(_ key: String, _ value: CatalogJSON) throws {
        guard !key.isEmpty, key.count <= 200 else { throw CatalogError.invalid("A setting key must be 1-200 characters.") }
        try write { db in
            try db.execute(sql: """
                INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """, arguments: [key, value, clock()])
        }
    }

    /// The value under `key`, or nil.
    public func setting(_ key: String) throws -> CatalogJSON? {
        try read { db in try CatalogJSON.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
    }

    /// Every setting whose key starts with `prefix`.
    public func settings(prefix: String = "") throws -> [String: CatalogJSON] {
        try read { db in
            var result: [String: CatalogJSON] = [:]
            let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key",
                                        arguments: [prefix.count, prefix])
            for row in rows { result[row[0]] = row[1] }
            return result
        }
    }

    /// Removes `key`; returns whether it existed.
    @discardableResult
    public func removeSetting(_ key: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [key])
            return db.changesCount > 0
        }
    }
}
