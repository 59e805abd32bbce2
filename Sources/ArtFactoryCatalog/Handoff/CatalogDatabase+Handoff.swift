import Foundation
import GRDB

/// Where a hand-off stands.
public enum HandoffStatus: String, Codable, Sendable, CaseIterable {
    /// Recorded; not delivered yet (delivery is retried, across restarts).
    case queued
    /// Written to the outbox folder or accepted by the endpoint.
    case sent
    /// The pipeline approved / rejected the image (also recorded as a review of the image).
    case approved, rejected
    /// Delivery gave up after too many attempts (`error` says why).
    case failed
}

/// One image handed off to one target.
public struct HandoffRecord: Codable, Sendable, Hashable {
    /// `hof_` id.
    public var id: String
    public var assetId: String
    public var target: String
    public var status: HandoffStatus
    public var attempts: Int
    public var error: String?
    /// The pipeline's reason with its verdict.
    public var reason: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    static let v5 = """
    CREATE TABLE handoffs (
        id TEXT PRIMARY KEY NOT NULL,
        asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        target TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'approved', 'rejected', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        reason TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL);
    CREATE INDEX handoffs_status ON handoffs(status, created_at, id);
    CREATE INDEX handoffs_asset ON handoffs(asset_id);
    """
}

extension CatalogDatabase {
    /// Records hand-offs of `assetIds` to `target`, all `queued`, in one transaction.
    /// - Throws: `not_found` for an unknown image (nothing recorded).
    public func createHandoffs(_ assetIds: [String], target: String) throws -> [HandoffRecord] {
        try write { db in
            try requireAssets(db, assetIds)
            let now = clock()
            var out: [HandoffRecord] = []
            for id in assetIds {
                let h = HandoffRecord(id: CatalogID.make(.handoff, millis: now), assetId: id, target: target, status: .queued, attempts: 0,
                                      error: nil, reason: nil, createdAt: now, updatedAt: now)
                try db.execute(sql: "INSERT INTO handoffs(id, asset_id, target, status, created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?)",
                               arguments: [h.id, id, target, now, now])
                out.append(h)
            }
            return out
        }
    }

    /// One hand-off.
    /// - Throws: `not_found`.
    public func handoff(_ id: String) throws -> HandoffRecord {
        try read { db in try Self.fetchHandoff(db, id) }
    }

    /// Hand-offs, newest first, optionally of one status, target or image.
    public func handoffs(status: HandoffStatus? = nil, target: String? = nil, assetId: String? = nil, limit: Int = 100) throws -> [HandoffRecord] {
        try Validation.limit(limit)
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let status { conditions.append("status = ?"); arguments += [status.rawValue] }
        if let target { conditions.append("target = ?"); arguments += [target] }
        if let assetId { conditions.append("asset_id = ?"); arguments += [assetId] }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM handoffs \(whereClause) ORDER BY created_at DESC, id DESC LIMIT ?", arguments: arguments + [limit])
                .map(Self.handoff(row:))
        }
    }

    /// Marks a delivery attempt: `sent`, or still `queued` (or `failed` once `giveUp`) with the error.
    public func markHandoffDelivery(_ id: String, sent: Bool, error: String?, giveUp: Bool = false) throws {
        try write { db in
            let status = sent ? "sent" : (giveUp ? "failed" : "queued")
            try db.execute(sql: """
                UPDATE handoffs SET status = ?, attempts = attempts + 1, error = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'failed')
                """, arguments: [status, error, clock(), id])
        }
    }

    /// Puts a failed hand-off back in the queue.
    public func requeueHandoff(_ id: String) throws -> HandoffRecord {
        try write { db in
            var h = try Self.fetchHandoff(db, id)
            guard h.status == .failed else { throw CatalogError.invalid("Hand-off \(id) is \(h.status.rawValue); only failed ones are sent again.") }
            try db.execute(sql: "UPDATE handoffs SET status = 'queued', attempts = 0, error = NULL, updated_at = ? WHERE id = ?", arguments: [clock(), id])
            h.status = .queued
            return h
        }
    }

    /// The pipeline's verdict: the hand-off becomes `approved` or `rejected` and the image gets a
    /// review with source `handoff:TARGET`, in one transaction. A repeated report of the same
    /// verdict changes nothing.
    /// - Throws: `not_found`; `invalid_argument` for a hand-off not delivered yet.
    public func reportHandoff(_ id: String, approved: Bool, reason: String?) throws -> HandoffRecord {
        let reason = try Self.checkedReason(reason)
        return try write { db in
            var h = try Self.fetchHandoff(db, id)
            let status: HandoffStatus = approved ? .approved : .rejected
            guard h.status != status else { return h }
            guard h.status != .queued && h.status != .failed else {
                throw CatalogError.invalid("Hand-off \(id) was not delivered yet (\(h.status.rawValue)); report after it is sent.")
            }
            let now = clock()
            try db.execute(sql: "UPDATE handoffs SET status = ?, reason = ?, updated_at = ? WHERE id = ?", arguments: [status.rawValue, reason, now, id])
            try Self.insertFeatures(db, [h.assetId])
            try db.execute(sql: "UPDATE assets SET approved = ? WHERE id = ?", arguments: [approved, h.assetId])
            try db.execute(sql: "INSERT INTO reviews(asset_id, approved, reason, source, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [h.assetId, approved, reason, "handoff:" + h.target, now])
            h.status = status
            h.reason = reason
            h.updatedAt = now
            return h
        }
    }

    static func fetchHandoff(_ db: Database, _ id: String) throws -> HandoffRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM handoffs WHERE id = ?", arguments: [id]) else {
            throw CatalogError.notFound("hand-off", id)
        }
        return handoff(row: row)
    }

    static func handoff(row: Row) -> HandoffRecord {
        HandoffRecord(id: row["id"], assetId: row["asset_id"], target: row["target"], status: HandoffStatus(rawValue: row["status"]) ?? .queued,
                      attempts: row["attempts"], error: row["error"], reason: row["reason"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
