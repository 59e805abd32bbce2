import GRDB

/// Approval counts of one analytics key (a prompt, a term, a model, a week, ...).
public struct FeedbackStat: Codable, Sendable, Hashable {
    public var kind: FeedbackFeatures.Kind
    public var value: String
    public var approved: Int
    public var rejected: Int
    /// Wilson score lower bound (95 %) of the approval rate: what rankings sort by, so 1 of 1 ranks
    /// below 23 of 25.
    public var lowerBound: Double
    /// The most recently approved image counted here, if it still exists.
    public var exampleAssetId: String?

    public var reviews: Int { approved + rejected }
    /// approved / reviews (0 when nothing is reviewed).
    public var rate: Double { reviews == 0 ? 0 : Double(approved) / Double(reviews) }
}

/// Which end of a lift ranking.
public enum LiftOrder: String, Codable, Sendable, CaseIterable {
    /// Most positively correlated first (by the lower bound of the rate).
    case best
    /// Most negatively correlated first (by the upper bound of the rate).
    case worst
}

extension CatalogDatabase {
    /// The base: all reviewed images in `projectId`'s scope (`nil` = every project).
    public func feedbackBase(projectId: String? = nil) throws -> FeedbackStat {
        try read { db in
            try Self.checkScope(db, projectId)
            let rows = try Self.stats(db, sql: "WHERE scope = ? AND kind = 'all' AND value = ''", [projectId ?? ""])
            return rows.first ?? FeedbackStat(kind: .all, value: "", approved: 0, rejected: 0, lowerBound: 0)
        }
    }

    /// The keys of `kind` ranked by the Wilson lower bound of their approval rate, best first, among
    /// those with at least `minReviews` reviews. Index-ordered: cost grows with `limit`, not the catalog.
    /// - Throws: `invalid_argument` for a bad limit or kind `all`; `not_found` for an unknown project.
    public func topFeedback(_ kind: FeedbackFeatures.Kind, projectId: String? = nil, minReviews: Int = 1, limit: Int = 20) throws -> [FeedbackStat] {
        try Self.checkRanking(kind, minReviews: minReviews, limit: limit)
        return try read { db in
            try Self.checkScope(db, projectId)
            return try Self.stats(db, sql: """
                WHERE scope = ? AND kind = ? AND approved + rejected >= ? ORDER BY lower_bound DESC, value LIMIT ?
                """, [projectId ?? "", kind.rawValue, minReviews, limit])
        }
    }

    /// The keys of `kind` most positively (`best`) or negatively (`worst`) correlated with approval.
    /// `best` ranks by the rate's lower bound, `worst` by its upper bound (ascending), so a key seen
    /// a few times does not top either list by chance.
    public func liftFeedback(_ kind: FeedbackFeatures.Kind, projectId: String? = nil, order: LiftOrder = .best,
                             minReviews: Int = 3, limit: Int = 20) throws -> [FeedbackStat] {
        try Self.checkRanking(kind, minReviews: minReviews, limit: limit)
        if order == .best { return try topFeedback(kind, projectId: projectId, minReviews: minReviews, limit: limit) }
        // Upper bound = 1 - lower bound of the rejection rate.
        let upper = "(1.0 - " + FeedbackSchema.wilsonSQL("rejected", "approved + rejected") + ")"
        return try read { db in
            try Self.checkScope(db, projectId)
            return try Self.stats(db, sql: """
                WHERE scope = ? AND kind = ? AND approved + rejected >= ? ORDER BY \(upper), value LIMIT ?
                """, [projectId ?? "", kind.rawValue, minReviews, limit])
        }
    }

    /// Approval counts per week (Monday, UTC, of the image's creation), newest first.
    public func feedbackTrend(projectId: String? = nil, weeks: Int = 12) throws -> [FeedbackStat] {
        guard (1...520).contains(weeks) else { throw CatalogError.invalid("weeks must be 1 to 520; got \(weeks).") }
        return try read { db in
            try Self.checkScope(db, projectId)
            return try Self.stats(db, sql: "WHERE scope = ? AND kind = 'week' AND approved + rejected > 0 ORDER BY value DESC LIMIT ?",
                                  [projectId ?? "", weeks])
        }
    }

    /// One key's counts, or nil when it was never reviewed.
    public func feedbackStat(_ kind: FeedbackFeatures.Kind, _ value: String, projectId: String? = nil) throws -> FeedbackStat? {
        try read { db in
            try Self.checkScope(db, projectId)
            return try Self.stats(db, sql: "WHERE scope = ? AND kind = ? AND value = ?", [projectId ?? "", kind.rawValue, value]).first
        }
    }

    // MARK: - Helpers

    static func checkRanking(_ kind: FeedbackFeatures.Kind, minReviews: Int, limit: Int) throws {
        guard kind != .all else { throw CatalogError.invalid("Kind 'all' is the base rate; ask feedbackBase for it.") }
        guard (1...1_000_000).contains(minReviews) else { throw CatalogError.invalid("minReviews must be 1 or more; got \(minReviews).") }
        try Validation.limit(limit)
    }

    static func checkScope(_ db: Database, _ projectId: String?) throws {
        if let projectId { try db.requireExists("projects", kind: "project", id: projectId) }
    }

    private static func stats(_ db: Database, sql: String, _ arguments: StatementArguments) throws -> [FeedbackStat] {
        try Row.fetchAll(db, sql: "SELECT kind, value, approved, rejected, lower_bound, example_asset_id FROM feedback_stats " + sql,
                         arguments: arguments).compactMap { row in
            guard let kind = FeedbackFeatures.Kind(rawValue: row[0]) else { return nil }
            return FeedbackStat(kind: kind, value: row[1], approved: row[2], rejected: row[3], lowerBound: row[4], exampleAssetId: row[5])
        }
    }
}
