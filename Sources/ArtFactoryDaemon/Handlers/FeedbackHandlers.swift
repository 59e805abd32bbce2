import ArtFactoryCatalog
import ArtFactoryProtocol

/// gallery.review, gallery.reviews: approvals and rejections with reasons (docs/analytics.md).
struct FeedbackHandlers: HandlerGroup {
    let catalog: CatalogDatabase

    func register(in table: MethodTable) {
        table.register(GalleryReview.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let outcome = try FeedbackWire.review(catalog, p, source: "user")
                return GalleryReview.Result(updated: outcome.assetIds.count, changed: outcome.changed, reviewedAt: outcome.reviewedAt,
                                            ids: Array(outcome.assetIds.prefix(1000)))
            }
        }
        table.register(GalleryReviews.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let asset = try catalog.asset(p.id)
                let entries = try catalog.reviews(of: p.id).map {
                    GalleryReviews.Entry(verdict: FeedbackWire.verdict($0.approved), reason: $0.reason, source: $0.source, createdAt: $0.createdAt)
                }
                return GalleryReviews.Result(id: p.id, verdict: FeedbackWire.verdict(asset.approved), reviews: entries)
            }
        }
    }
}

/// The shared parts of the review methods (also used by hand-off reports and explorations).
enum FeedbackWire {
    /// Reviews by ids or by filter.
    /// - Throws: `invalidParams` for neither or both.
    static func review(_ catalog: CatalogDatabase, _ p: GalleryReview.Params, source: String) throws -> ReviewOutcome {
        switch (p.ids, p.filter) {
        case (let ids?, nil):
            guard !ids.isEmpty else { throw RPCError.invalidParams("Pass at least one image id, or a filter.", field: "ids") }
            return try catalog.review(ids, approved: p.verdict.approved, reason: p.reason, source: source)
        case (nil, let filter?):
            return try catalog.review(matching: GalleryWire.filter(filter), approved: p.verdict.approved, reason: p.reason, source: source)
        case (nil, nil):
            throw RPCError.invalidParams("Say which images: pass ids or a filter (as gallery.list takes).", field: "ids")
        case (.some, .some):
            throw RPCError.invalidParams("Pass ids or a filter, not both.", field: "filter")
        }
    }

    static func verdict(_ approved: Bool?) -> GalleryReview.Verdict {
        switch approved {
        case true?: .approve
        case false?: .reject
        case nil: .clear
        }
    }
}
