import ArtFactoryCatalog
import Foundation

/// Where watches and their per-file ledgers persist: the catalog's `settings` table.
///
/// Why there and not a JSON file in the state directory: a watch refers to a project by id, and the
/// ledger says which files became which images, so both belong with the rows they describe — a
/// catalog snapshot or restore keeps them in step, writes are already atomic and durable (SQLite
/// WAL), and no second file format or lock is needed. Keys:
/// - `watch.<id>`: the ``WatchRecord`` (folder, project, tags, role, counters).
/// - `watchfile.<id>.<h>`: one ``WatchLedgerEntry`` per file name (`h` = first 16 hex digits of the
///   SHA-256 of the name, because names may be longer than a settings key allows).
struct WatchStore: Sendable {
    let catalog: CatalogDatabase

    static let watchPrefix = "watch."
    static func ledgerPrefix(_ watchId: String) -> String { "watchfile.\(watchId)." }
    static func ledgerKey(_ watchId: String, name: String) -> String {
        ledgerPrefix(watchId) + String(SHA256.hex(Data(name.utf8)).prefix(16))
    }

    /// Every stored watch, oldest first. Unreadable records are returned as errors to log, not thrown.
    func loadWatches() throws -> (records: [WatchRecord], unreadable: [String]) {
        var records: [WatchRecord] = [], unreadable: [String] = []
        for (key, value) in try catalog.settings(prefix: WatchStore.watchPrefix) {
            if let r = try? WatchStore.decode(WatchRecord.self, value) { records.append(r) } else { unreadable.append(key) }
        }
        return (records.sorted { $0.id < $1.id }, unreadable)
    }

    /// The ledger of `watchId`, by file name.
    func loadLedger(_ watchId: String) throws -> [String: WatchLedgerEntry] {
        var ledger: [String: WatchLedgerEntry] = [:]
        for (_, value) in try catalog.settings(prefix: WatchStore.ledgerPrefix(watchId)) {
            if let e = try? WatchStore.decode(WatchLedgerEntry.self, value) { ledger[e.name] = e }
        }
        return ledger
    }

    func save(_ record: WatchRecord) throws {
        try catalog.setSetting(WatchStore.watchPrefix + record.id, WatchStore.encode(record))
    }

    func save(_ entry: WatchLedgerEntry, watchId: String) throws {
        try catalog.setSetting(WatchStore.ledgerKey(watchId, name: entry.name), WatchStore.encode(entry))
    }

    func forget(name: String, watchId: String) throws {
        try catalog.removeSetting(WatchStore.ledgerKey(watchId, name: name))
    }

    /// Removes the watch and its whole ledger.
    func remove(_ watchId: String) throws {
        for key in try catalog.settings(prefix: WatchStore.ledgerPrefix(watchId)).keys { try catalog.removeSetting(key) }
        try catalog.removeSetting(WatchStore.watchPrefix + watchId)
    }

    static func encode<T: Encodable>(_ value: T) throws -> CatalogJSON {
        try JSONValueEncoder().encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: CatalogJSON) throws -> T {
        try JSONValueDecoder().decode(T.self, from: json)
    }
}

/// A watch as persisted: what to watch and where files go, plus running totals.
struct WatchRecord: Codable, Sendable, Equatable {
    var id: String
    var dir: String
    var projectId: String
    var tags: [String]
    /// `image` or `input`.
    var role: String
    /// Milliseconds since the epoch.
    var createdAt: Int64
    var imported: Int = 0
    var duplicates: Int = 0
    var failed: Int = 0
    var lastImportAt: Int64?
}

/// What became of one file of a watched folder, at the size and modification time it had then.
/// A file whose size and mtime still match is skipped without being read again.
struct WatchLedgerEntry: Codable, Sendable, Equatable {
    var name: String
    var size: Int64
    /// Modification time in nanoseconds since the epoch.
    var mtimeNs: Int64
    /// `imported`, `duplicate` or `failed`.
    var outcome: String
    var assetId: String?
    var error: String?
}
