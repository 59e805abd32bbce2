import Foundation
import GRDB

/// What measuring one image's visual descriptor gave: the bytes (opaque here; the daemon's
/// `VisualDescriptor`, Float32 little-endian), or why there are none (the file is missing or
/// cannot be decoded); such images are skipped by similarity queries.
public struct VisualDescriptorOutcome: Sendable, Hashable {
    public var assetId: String
    public var descriptor: Data?
    public var error: String?

    public init(assetId: String, descriptor: Data?, error: String? = nil) {
        self.assetId = assetId
        self.descriptor = descriptor
        self.error = error
    }
}

enum VisualDescriptorSchema {
    /// One row per image (deleted with it). `descriptor` NULL with an `error` marks an image whose
    /// file could not be measured. A row of another `version` counts as missing.
    static let v7 = """
    CREATE TABLE asset_descriptors (
        asset_id TEXT PRIMARY KEY NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        descriptor BLOB,
        error TEXT,
        computed_at INTEGER NOT NULL,
        CHECK ((descriptor IS NULL) <> (error IS NULL)));
    CREATE INDEX asset_descriptors_version ON asset_descriptors(version, error);
    """
    // Queries joining images write `+d.version` so SQLite looks descriptors up by image id, not by
    // this index (which only serves the whole-gallery counts).
}

extension CatalogDatabase {
    /// Stores descriptors (or failures) of `version`, replacing older rows, in one transaction.
    /// Rows of images deleted meanwhile are dropped. Returns how many were stored.
    @discardableResult
    public func setVisualDescriptors(_ outcomes: [VisualDescriptorOutcome], version: String) throws -> Int {
        guard !outcomes.isEmpty else { return 0 }
        return try write { db in
            let now = clock()
            var stored = 0
            for o in outcomes {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO asset_descriptors(asset_id, version, descriptor, error, computed_at)
                    SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM assets WHERE id = ?)
                    """, arguments: [o.assetId, version, o.descriptor, o.descriptor == nil ? (o.error ?? "unreadable") : nil, now, o.assetId])
                stored += db.changesCount
            }
            return stored
        }
    }

    /// The descriptor of one image in `version`, or `nil` when it has none (or only a failure).
    public func visualDescriptor(of assetId: String, version: String) throws -> Data? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT descriptor FROM asset_descriptors WHERE asset_id = ? AND version = ? AND descriptor IS NOT NULL",
                              arguments: [assetId, version])
        }
    }

    /// Calls `body` with every descriptor of `version` among the images matching `filter`, on one
    /// read snapshot (a linear scan, about 1.4 KB per image). The bytes are SQLite's own, valid only
    /// during the call: nothing is copied, so a scan of 100,000 images allocates almost nothing.
    /// - Throws: `not_found` for unknown ids in the filter; whatever `body` throws.
    public func forEachVisualDescriptor(version: String, filter: AssetFilter = AssetFilter(),
                                        _ body: (_ assetId: String, _ descriptor: UnsafeRawBufferPointer) throws -> Void) throws {
        try read { db in
            let (conditions, arguments) = try AssetQuery.conditions(db, filter)
            // Without a filter the image rows are not needed (every descriptor has one: the foreign
            // key cascades), which saves two index lookups per image.
            let sql = conditions.isEmpty
                ? "SELECT asset_id, descriptor FROM asset_descriptors WHERE +version = ? AND descriptor IS NOT NULL"
                : """
                SELECT d.asset_id, d.descriptor FROM asset_descriptors d JOIN assets a ON a.id = d.asset_id
                WHERE +d.version = ? AND d.descriptor IS NOT NULL AND \(conditions.joined(separator: " AND "))
                """
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [version] + arguments)
            while let row = try rows.next() {
                let id: String = row[0]
                try row.withUnsafeData(atIndex: 1) { bytes in
                    guard let bytes else { return }
                    try bytes.withUnsafeBytes { try body(id, $0) }
                }
            }
        }
    }

    /// Images matching `filter` without a `version` descriptor or failure, newest first.
    public func assetsMissingVisualDescriptor(version: String, filter: AssetFilter = AssetFilter(), limit: Int) throws -> [Asset] {
        try Validation.limit(limit)
        return try read { db in
            let (conditions, arguments) = try AssetQuery.conditions(db, filter)
            return try Asset.fetchAll(db, sql: """
                SELECT a.* FROM assets a
                WHERE NOT EXISTS (SELECT 1 FROM asset_descriptors d WHERE d.asset_id = a.id AND +d.version = ?)\(conditions.map { " AND " + $0 }.joined())
                ORDER BY a.created_at DESC, a.id DESC LIMIT ?
                """, arguments: [version] + arguments + [limit])
        }
    }

    /// Among the images matching `filter`: how many have no `version` row yet (`missing`) and how
    /// many were found unreadable (`unreadable`).
    public func visualDescriptorCounts(version: String, filter: AssetFilter = AssetFilter()) throws -> (missing: Int, unreadable: Int) {
        try read { db in
            let (conditions, arguments) = try AssetQuery.conditions(db, filter)
            if conditions.isEmpty {
                // Every row belongs to an image (the foreign key cascades), so counts on the small
                // indexes answer without a join (100,000 images: about 10 ms instead of 140).
                let images = try Int.fetchOne(db, sql: "SELECT count(*) FROM assets") ?? 0
                let rows = try Row.fetchOne(db, sql: """
                    SELECT count(*) AS measured, count(error) AS unreadable FROM asset_descriptors INDEXED BY asset_descriptors_version
                    WHERE version = ?
                    """, arguments: [version])
                let measured: Int = rows?["measured"] ?? 0
                return (max(0, images - measured), rows?["unreadable"] ?? 0)
            }
            let row = try Row.fetchOne(db, sql: """
                SELECT sum(d.asset_id IS NULL) AS missing, sum(d.asset_id IS NOT NULL AND d.descriptor IS NULL) AS unreadable
                FROM assets a LEFT JOIN asset_descriptors d ON d.asset_id = a.id AND +d.version = ?
                WHERE \(conditions.joined(separator: " AND "))
                """, arguments: [version] + arguments)
            return ((row?["missing"] as Int?) ?? 0, (row?["unreadable"] as Int?) ?? 0)
        }
    }

    /// Forgets the descriptors (and failure marks) of these images, so the next similarity query
    /// measures them again (after a file was repaired or restored). Returns how many were removed.
    @discardableResult
    public func forgetVisualDescriptors(_ assetIds: [String]) throws -> Int {
        try write { db in
            var removed = 0
            for chunk in assetIds.chunked(500) {
                try db.execute(sql: "DELETE FROM asset_descriptors WHERE asset_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))",
                               arguments: StatementArguments(chunk))
                removed += db.changesCount
            }
            return removed
        }
    }
}
