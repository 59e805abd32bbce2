import Foundation
import GRDB

/// The catalog: one SQLite database (WAL mode) behind a GRDB `DatabasePool`.
///
/// The façade owns the only writer and runs the append-only migrator on open. Every public method
/// is one transaction: it either commits entirely or changes nothing, and throws ``CatalogError``.
/// Reads run concurrently with the writer (WAL snapshots). The type is `Sendable`; call it from any
/// thread (calls block; wrap them in a task off the event loop).
///
/// Durability: `synchronous = NORMAL` in WAL mode survives a killed process completely; after a power
/// loss the last transactions may be rolled back but the file is never corrupt. The gallery writes a
/// file (temp, fsync, rename) *before* committing its row, so a lost row leaves an orphan file that
/// `fsck` finds, never a row without a file.
public final class CatalogDatabase: Sendable {
    let pool: DatabasePool
    let clock: @Sendable () -> Int64

    /// Path of the database file.
    public let path: String

    /// Opens (creating if needed) the catalog at `path` and migrates it to the latest schema.
    /// - Parameters:
    ///   - path: database file; its directory must exist.
    ///   - busyTimeout: how long a writer waits for a lock held by another process, in seconds.
    ///   - clock: source of "now" in ms since the epoch (tests pass a fixed clock).
    /// - Throws: ``CatalogError`` `database` when the file cannot be opened or migrated.
    public init(path: String, busyTimeout: TimeInterval = 5,
                clock: @escaping @Sendable () -> Int64 = CatalogClock.now) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.label = "catalog"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try Migrations.migrator.migrate(pool)
            self.pool = pool
        } catch {
            throw CatalogError(.database,
                               "Cannot open the catalog at \(path): \(error). Check that the folder exists and is writable.",
                               cause: error)
        }
        self.path = path
        self.clock = clock
    }

    /// Names of the migrations applied to this database, oldest first.
    public func appliedMigrations() throws -> [String] {
        try read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    /// Runs `body` in one write transaction; any thrown error rolls it back and is mapped to
    /// ``CatalogError``. The `Database` handle must not escape the closure.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch {
            throw CatalogError.wrap(error)
        }
    }

    /// Runs `body` on a read-only snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw CatalogError.wrap(error)
        }
    }

    /// Maintenance after big loads or imports: merges the full-text index into one segment,
    /// updates planner statistics, and checkpoints the WAL into the main file. Takes seconds at a
    /// million images; run it from a background job, not on a request path.
    public func optimize() throws {
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "INSERT INTO asset_search(asset_search) VALUES('optimize')")
                try db.execute(sql: "ANALYZE")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw CatalogError.wrap(error)
        }
    }

    /// Closes the database; later calls fail with `database`.
    public func close() throws {
        do { try pool.close() } catch { throw CatalogError.wrap(error) }
    }
}

extension Database {
    /// Throws `notFound` unless a row with `id` exists in `table`.
    func requireExists(_ table: String, kind: String, id: String) throws {
        let found = try Bool.fetchOne(self, sql: "SELECT EXISTS(SELECT 1 FROM \(table) WHERE id = ?)", arguments: [id]) ?? false
        if !found { throw CatalogError.notFound(kind, id) }
    }
}
