import ArtFactoryJSON
import Foundation
import GRDB

/// One approve/reject/clear of an image, as stored in `reviews`.
public struct Review: Codable, Sendable, Hashable {
    public var assetId: String
    /// `true` approved, `false` rejected, `nil` cleared.
    public var approved: Bool?
    public var reason: String?
    /// `user`, `handoff:NAME`, `explore`, ...
    public var source: String
    /// ms since the epoch.
    public var createdAt: Int64
}

/// What a review call changed.
public struct ReviewOutcome: Codable, Sendable, Hashable {
    /// The images reviewed, sorted.
    public var assetIds: [String]
    /// How many of them had a different verdict before.
    public var changed: Int
    /// The time stamped on every review row, ms since the epoch.
    public var reviewedAt: Int64
}

extension CatalogDatabase {
    /// The most images one review call may touch (a filter matching more must be narrowed).
    public static let maxReviewSelection = 100_000
    /// Longest review reason, in characters.
    public static let maxReasonLength = 2_000

    /// Approves (`true`), rejects (`false`) or clears (`nil`) images, records each in the review
    /// history with `reason` and `source`, and updates the analytics counts, in one transaction.
    /// - Parameters:
    ///   - assetIds: the images; all must exist.
    ///   - source: who decided: `user`, `handoff:NAME`, `explore`.
    /// - Throws: `not_found` for an unknown id (nothing changes); `invalid_argument` for no ids or a
    ///   reason that is too long.
    public func review(_ assetIds: [String], approved: Bool?, reason: String? = nil, source: String = "user") throws -> ReviewOutcome {
        let reason = try Self.checkedReason(reason)
        return try write { db in
            try requireAssets(db, assetIds)
            return try reviewRows(db, Array(Set(assetIds)).sorted(), approved: approved, reason: reason, source: source)
        }
    }

    /// Reviews every image matching `filter` (outputs only unless the filter names roles).
    /// - Throws: `invalid_argument` for an empty filter (say which images) or one matching more than
    ///   ``maxReviewSelection`` images, or nothing; `not_found` for unknown ids in the filter.
    public func review(matching filter: AssetFilter, approved: Bool?, reason: String? = nil, source: String = "user") throws -> ReviewOutcome {
        let reason = try Self.checkedReason(reason)
        guard filter != AssetFilter() else {
            throw CatalogError.invalid("An empty filter would review every image; give ids or at least one filter member.")
        }
        var filter = filter
        if filter.roles == nil { filter.roles = [.output] }
        return try write { db in
            let (conditions, arguments) = try AssetQuery.conditions(db, filter)
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let ids = try String.fetchAll(db, sql: "SELECT a.id FROM assets a \(whereClause) LIMIT ?",
                                          arguments: arguments + [Self.maxReviewSelection + 1])
            guard !ids.isEmpty else { throw CatalogError.invalid("The filter matches no images; nothing was reviewed.") }
            guard ids.count <= Self.maxReviewSelection else {
                throw CatalogError.invalid("The filter matches more than \(Self.maxReviewSelection) images; narrow it (project, dates, tags) and review in parts.")
            }
            return try reviewRows(db, ids.sorted(), approved: approved, reason: reason, source: source)
        }
    }

    /// The review history of an image, oldest first.
    /// - Throws: `not_found`.
    public func reviews(of assetId: String) throws -> [Review] {
        try read { db in
            _ = try fetchAsset(db, assetId)
            return try Row.fetchAll(db, sql: "SELECT asset_id, approved, reason, source, created_at FROM reviews WHERE asset_id = ? ORDER BY seq",
                                    arguments: [assetId]).map {
                Review(assetId: $0[0], approved: $0[1], reason: $0[2], source: $0[3], createdAt: $0[4])
            }
        }
    }

    /// Recomputes all analytics counts from `assets.approved`, computing the features of reviewed images
    /// that have none (and, with `recomputeFeatures`, of every reviewed image: only needed after the
    /// feature extraction itself changed, since an image's prompt and parameters never change).
    /// Needed only after writes that bypass the review path (bulk loads, restores of old snapshots);
    /// returns the number of reviewed images counted.
    @discardableResult
    public func rebuildFeedbackStats(recomputeFeatures: Bool = false) throws -> Int {
        try write { db in try Self.rebuildFeedbackStats(db, recomputeFeatures: recomputeFeatures) }
    }

    static func rebuildFeedbackStats(_ db: Database, recomputeFeatures: Bool = false) throws -> Int {
        // Measured at 1M generations / 199,695 reviewed (release): recomputing every image's features
        // rewrote 279 MB of feature rows and took most of the 72 s a rebuild took; counting alone does not.
        try db.execute(sql: "DELETE FROM feedback_stats")
        if recomputeFeatures { try db.execute(sql: "DELETE FROM asset_features") }
        let ids = try String.fetchAll(db, sql: """
            SELECT id FROM assets a WHERE approved IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM asset_features f WHERE f.asset_id = a.id)
            """)
        for chunk in ids.chunked(500) { try insertFeatures(db, Array(chunk)) }
        // Counted here in one pass over the features rather than by SQLite's json_each + GROUP BY, which
        // measured 73 s for 200,000 reviewed images at 1M (its temporary b-tree over ~370,000 keys).
        struct Key: Hashable { let scope: String, kind: String, value: String }
        struct Count { var approved = 0, rejected = 0; var example: String? }
        var counts: [Key: Count] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT a.id, a.approved, f.features FROM assets a JOIN asset_features f ON f.asset_id = a.id
            WHERE a.approved IS NOT NULL
            """)
        let parser = JSONParser()
        var reviewed = 0
        while let row = try rows.next() {
            reviewed += 1
            let id: String = row[0]
            let approved: Bool = row[1]
            let text: String = row[2]
            guard case .array(let triples)? = try? parser.parse(text) else { continue }
            for triple in triples {
                guard case .array(let parts) = triple, parts.count == 3,
                      case .string(let scope) = parts[0], case .string(let kind) = parts[1], case .string(let value) = parts[2] else { continue }
                var count = counts[Key(scope: scope, kind: kind, value: value), default: Count()]
                if approved {
                    count.approved += 1
                    if count.example.map({ id > $0 }) ?? true { count.example = id }   // the largest approved id, as before
                } else {
                    count.rejected += 1
                }
                counts[Key(scope: scope, kind: kind, value: value)] = count
            }
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO feedback_stats(scope, kind, value, approved, rejected, example_asset_id) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for (key, count) in counts {
            try insert.execute(arguments: [key.scope, key.kind, key.value, count.approved, count.rejected, count.example])
        }
        try db.execute(sql: "UPDATE feedback_stats SET lower_bound = \(FeedbackSchema.wilsonSQL("approved", "approved + rejected"))")
        return reviewed
    }

    // MARK: - Helpers

    static func checkedReason(_ reason: String?) throws -> String? {
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else { return nil }
        guard reason.count <= maxReasonLength else {
            throw CatalogError.invalid("The reason is \(reason.count) characters; keep it to \(maxReasonLength).")
        }
        return reason
    }

    private func reviewRows(_ db: Database, _ ids: [String], approved: Bool?, reason: String?, source: String) throws -> ReviewOutcome {
        let now = clock()
        var changed = 0
        for chunk in ids.chunked(500) {
            let marks = databaseQuestionMarks(count: chunk.count)
            try Self.insertFeatures(db, Array(chunk))
            changed += try Int.fetchOne(db, sql: "SELECT count(*) FROM assets WHERE id IN (\(marks)) AND approved IS NOT ?",
                                        arguments: StatementArguments(chunk) + [approved]) ?? 0
            try db.execute(sql: "UPDATE assets SET approved = ? WHERE id IN (\(marks))", arguments: [approved] + StatementArguments(chunk))
            let statement = try db.cachedStatement(sql: "INSERT INTO reviews(asset_id, approved, reason, source, created_at) VALUES (?, ?, ?, ?, ?)")
            for id in chunk { try statement.execute(arguments: [id, approved, reason, source, now]) }
        }
        return ReviewOutcome(assetIds: ids, changed: changed, reviewedAt: now)
    }

    /// Writes the features row of each image in `ids` that has none yet.
    static func insertFeatures(_ db: Database, _ ids: [String]) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.id, a.project_id, a.model, a.width, a.height, a.created_at, g.prompt, g.params, g.model
            FROM assets a LEFT JOIN generations g ON g.id = a.generation_id
            WHERE a.id IN (\(databaseQuestionMarks(count: ids.count)))
              AND NOT EXISTS (SELECT 1 FROM asset_features f WHERE f.asset_id = a.id)
            """, arguments: StatementArguments(ids))
        let statement = try db.cachedStatement(sql: "INSERT INTO asset_features(asset_id, features) VALUES (?, ?)")
        for row in rows {
            let source = FeedbackFeatures.Source(projectId: row[1], model: row[2], width: row[3], height: row[4], createdAt: row[5],
                                                 prompt: row[6], params: row[7], generationModel: row[8])
            try statement.execute(arguments: [row[0] as String, FeedbackFeatures.json(source)])
        }
    }
}
