import GRDB

extension CatalogDatabase {
    /// One page of images (`gallery.list`), keyset-paginated.
    ///
    /// Walking every page from `cursor: nil` until `nextCursor` is `nil` returns every matching row
    /// exactly once, in order, even with ties on the sort key and with rows inserted meanwhile
    /// (new rows before the cursor position are not shown; that is the keyset contract).
    /// - Parameters:
    ///   - filter: which images; see ``AssetFilter``.
    ///   - sort: order; default newest first.
    ///   - cursor: `nextCursor` of the previous page, or `nil` for the first page.
    ///   - limit: page size, 1-1000.
    /// - Throws: `invalid_argument` for a bad cursor or limit; `not_found` for unknown ids in the filter.
    public func listAssets(filter: AssetFilter = AssetFilter(), sort: AssetSort = .newest,
                           cursor: String? = nil, limit: Int = 50) throws -> AssetPage {
        try Validation.limit(limit)
        let fingerprint = PageCursor.fingerprint(ListingArguments(filter: filter, sort: sort))
        var after: AssetQuery.Key?
        if let cursor {
            let decoded = try PageCursor.decode(cursor, fingerprint: fingerprint)
            guard let value = decoded.k, let id = decoded.i else {
                throw CatalogError.invalid("The cursor is not valid for this listing; start again without a cursor.")
            }
            after = AssetQuery.Key(value: value, id: id)
        }
        let rows = try read { db in
            try AssetQuery.fetchPage(db, filter: filter, sort: sort, after: after, limit: limit + 1)
        }
        let items = Array(rows.prefix(limit))
        var next: String?
        if rows.count > limit, let last = items.last {
            next = PageCursor(f: fingerprint, k: sort.key(of: last), i: last.id).encoded()
        }
        return AssetPage(items: items, nextCursor: next)
    }

    /// How many of the most recent matches a search ranks (see ``searchAssets(_:filter:cursor:limit:candidateLimit:)``).
    public static let defaultSearchCandidates = 500

    /// The images just before and after `assetId` in a listing's order (for next/previous buttons).
    /// - Throws: `not_found` for an unknown asset.
    public func neighbours(of assetId: String, filter: AssetFilter = AssetFilter(),
                           sort: AssetSort = .newest) throws -> (previous: Asset?, next: Asset?) {
        try read { db in
            guard let asset = try Asset.fetchOne(db, sql: "SELECT * FROM assets WHERE id = ?", arguments: [assetId]) else {
                throw CatalogError.notFound("asset", assetId)
            }
            let key = AssetQuery.Key(value: sort.key(of: asset), id: asset.id)
            let next = try AssetQuery.fetchPage(db, filter: filter, sort: sort, after: key, limit: 1).first
            var reversed = sort
            reversed.descending.toggle()
            let previous = try AssetQuery.fetchPage(db, filter: filter, sort: reversed, after: key, limit: 1).first
            return (previous, next)
        }
    }

    /// Ranked full-text search over prompt, negative prompt, tags, project and collection names
    /// (`gallery.search`), with the same filters as ``listAssets(filter:sort:cursor:limit:)``.
    ///
    /// Words are ANDed; `word*` is a prefix search; FTS syntax in `query` is treated as text.
    /// Prompt matches weigh most, then tags, then project and collection names, then negative prompt.
    ///
    /// Cost bound: results are ranked among the `candidateLimit` most recently added matching images
    /// (default ``defaultSearchCandidates``). A word found in fewer images is ranked exactly; a very
    /// common word (in hundreds of thousands of prompts) is ranked over its most recent matches, which
    /// keeps a search in milliseconds at a million images (bm25 costs about 4 µs per scored row);
    /// pages end with the candidates. Pass a larger `candidateLimit` for a deeper, slower ranking.
    /// - Throws: `invalid_argument` for a query without words or a bad cursor/limit.
    public func searchAssets(_ query: String, filter: AssetFilter = AssetFilter(), cursor: String? = nil,
                             limit: Int = 50, candidateLimit: Int = CatalogDatabase.defaultSearchCandidates) throws -> SearchPage {
        try Validation.limit(limit)
        guard (1...1_000_000).contains(candidateLimit) else {
            throw CatalogError.invalid("candidateLimit must be 1 to 1000000; got \(candidateLimit).")
        }
        let parsed = try SearchQuery(query)
        let fingerprint = PageCursor.fingerprint(SearchArguments(terms: parsed.terms, filter: filter))
        var offset = 0
        if let cursor {
            guard let value = try PageCursor.decode(cursor, fingerprint: fingerprint).o else {
                throw CatalogError.invalid("The cursor is not valid for this search; start again without a cursor.")
            }
            offset = value
        }
        let hits: [SearchHit] = try read { db in
            let (conditions, filterArguments) = try AssetQuery.conditions(db, filter)
            // Newest matches first (FTS5 walks its doclists by rowid), scored as they are read; then
            // the capped candidate set is sorted by score. Without filters the candidates come from
            // the index alone; with filters each candidate is checked against its asset row.
            let candidates: String
            if conditions.isEmpty {
                candidates = """
                    SELECT rowid, bm25(asset_search, 10.0, 1.0, 5.0, 2.0, 2.0) FROM asset_search
                    WHERE asset_search MATCH ? ORDER BY rowid DESC LIMIT ?
                    """
            } else {
                candidates = """
                    SELECT a.seq, bm25(asset_search, 10.0, 1.0, 5.0, 2.0, 2.0)
                    FROM asset_search JOIN assets a ON a.seq = asset_search.rowid
                    WHERE asset_search MATCH ? AND \(conditions.joined(separator: " AND "))
                    ORDER BY asset_search.rowid DESC LIMIT ?
                    """
            }
            var arguments: StatementArguments = [parsed.matchExpression]
            arguments += filterArguments
            arguments += [candidateLimit, limit + 1, offset]
            let rows = try Row.fetchAll(db, sql: """
                WITH candidates(seq, score) AS (\(candidates))
                SELECT a.*, c.score AS search_score FROM candidates c JOIN assets a ON a.seq = c.seq
                ORDER BY c.score, c.seq DESC LIMIT ? OFFSET ?
                """, arguments: arguments)
            return try rows.map { row in SearchHit(asset: try Asset(row: row), score: row["search_score"] ?? 0) }
        }
        let page = Array(hits.prefix(limit))
        let next = hits.count > limit ? PageCursor(f: fingerprint, o: offset + limit).encoded() : nil
        return SearchPage(hits: page, nextCursor: next)
    }
}

private struct ListingArguments: Encodable {
    var filter: AssetFilter
    var sort: AssetSort
}

private struct SearchArguments: Encodable {
    var terms: [String]
    var filter: AssetFilter
}
