import GRDB

/// What a listing row shows of an image's generation, so a person can tell hits apart without a
/// `gallery.get` per image: the prompt (trimmed), negative prompt, seed, steps, sampler, model,
/// project name, tags and rating.
public struct AssetSummary: Codable, Sendable, Hashable {
    /// The generation's prompt, trimmed to ``AssetSummary/promptLimit`` characters (with `…`).
    public var prompt: String?
    public var negativePrompt: String?
    /// This image's seed: the generation's seed plus the image's place in it (image i has seed S + i).
    public var seed: Int64?
    public var steps: Int?
    public var sampler: String?
    public var model: String
    /// The project's name (not its id).
    public var project: String?
    /// Tag names, sorted.
    public var tags: [String]
    public var rating: Int
    /// With search: the best-matching passage, matches wrapped in ``AssetSummary/highlightOpen`` and
    /// ``AssetSummary/highlightClose``.
    public var snippet: String?

    /// Longest prompt a summary carries; `gallery.get` has the whole text.
    public static let promptLimit = 240
    /// Marks around a matched word in ``snippet``: plain brackets, so the text stays readable in a
    /// terminal, in JSON and in HTML once escaped.
    public static let highlightOpen = "["
    public static let highlightClose = "]"

    public init(prompt: String? = nil, negativePrompt: String? = nil, seed: Int64? = nil, steps: Int? = nil, sampler: String? = nil,
                model: String = "", project: String? = nil, tags: [String] = [], rating: Int = 0, snippet: String? = nil) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.steps = steps
        self.sampler = sampler
        self.model = model
        self.project = project
        self.tags = tags
        self.rating = rating
        self.snippet = snippet
    }

    static func trimmed(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.count > promptLimit else { return text }
        return String(text.prefix(promptLimit - 1)) + "…"
    }
}

extension CatalogDatabase {
    /// Summaries of the given images, keyed by asset id, read in one statement per 500 ids (a page of
    /// `gallery.list` or `gallery.search` costs one query, never one per row). Unknown ids are left out.
    public func summaries(forAssetIds ids: [String]) throws -> [String: AssetSummary] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in try Self.summaries(db, assetIds: ids) }
    }

    static func summaries(_ db: Database, assetIds ids: [String]) throws -> [String: AssetSummary] {
        var out: [String: AssetSummary] = [:]
        for chunk in ids.chunked(500) {
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.id, a.model, a.rating, g.prompt, g.negative_prompt,
                       -- Image i of a generation has seed S + i, i counted in creation order, as jobs report it.
                       g.seed + CASE WHEN a.role = 'output' THEN
                           (SELECT count(*) FROM assets b WHERE b.generation_id = a.generation_id AND b.role = 'output'
                            AND b.seq < a.seq) ELSE 0 END AS seed,
                       json_extract(g.params, '$.steps') AS steps, json_extract(g.params, '$.sampler') AS sampler,
                       p.name AS project,
                       (SELECT group_concat(name, char(31)) FROM
                           (SELECT t.name FROM asset_tags x JOIN tags t ON t.id = x.tag_id
                            WHERE x.asset_id = a.id ORDER BY t.name COLLATE NOCASE)) AS tags
                FROM assets a
                LEFT JOIN generations g ON g.id = a.generation_id
                LEFT JOIN projects p ON p.id = a.project_id
                WHERE a.id IN (\(databaseQuestionMarks(count: chunk.count)))
                """, arguments: StatementArguments(Array(chunk)))
            for row in rows {
                let id: String = row["id"]
                let tags: String? = row["tags"]
                let steps: Int64? = row["steps"]
                out[id] = AssetSummary(
                    prompt: AssetSummary.trimmed(row["prompt"]), negativePrompt: AssetSummary.trimmed(row["negative_prompt"]),
                    seed: row["seed"], steps: steps.map { Int($0) }, sampler: row["sampler"], model: row["model"],
                    project: row["project"], tags: tags.map { $0.split(separator: "\u{1F}").map(String.init) } ?? [],
                    rating: row["rating"])
            }
        }
        return out
    }

    /// The best-matching passage of each searched image (FTS5 `snippet`, any column), keyed by asset id.
    /// - Parameters:
    ///   - query: the user's search text, parsed as ``searchAssets(_:filter:cursor:limit:candidateLimit:)`` does.
    ///   - assetIds: the page's images.
    ///   - words: how many words around the match the passage keeps (1-64).
    public func searchSnippets(_ query: String, assetIds ids: [String], words: Int = 12) throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let parsed = try SearchQuery(query)
        let width = max(1, min(64, words))
        return try read { db in
            // One lookup per image by rowid: joining on the page's ids lets the planner walk the
            // whole MATCH doclist instead (a common word at 1M images cost ~190 ms that way).
            let statement = try db.cachedStatement(sql: """
                SELECT snippet(asset_search, -1, ?, ?, '…', ?) FROM asset_search
                WHERE asset_search MATCH ? AND asset_search.rowid = (SELECT seq FROM assets WHERE id = ?)
                """)
            var out: [String: String] = [:]
            for id in ids {
                let arguments: StatementArguments = [AssetSummary.highlightOpen, AssetSummary.highlightClose, width,
                                                     parsed.matchExpression, id]
                if let passage = try String.fetchOne(statement, arguments: arguments), !passage.isEmpty { out[id] = passage }
            }
            return out
        }
    }
}
