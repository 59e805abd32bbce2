import ArtFactoryCatalog
import ArtFactoryProtocol

/// analytics.*: what got approved, from the catalog's review counts (docs/analytics.md).
struct AnalyticsHandlers: HandlerGroup {
    let catalog: CatalogDatabase

    func register(in table: MethodTable) {
        table.register(AnalyticsTop.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let kind = p.kind ?? .prompt
                let base = try catalog.feedbackBase(projectId: p.projectId)
                let items = try catalog.topFeedback(AnalyticsWire.kind(kind), projectId: p.projectId, minReviews: p.minReviews ?? 1, limit: p.limit ?? 20)
                return AnalyticsTop.Result(kind: kind, base: AnalyticsWire.stat(base, base: nil), items: items.map { AnalyticsWire.stat($0, base: base) })
            }
        }
        table.register(AnalyticsLift.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let kind = p.kind ?? .term
                let base = try catalog.feedbackBase(projectId: p.projectId)
                let items = try catalog.liftFeedback(AnalyticsWire.kind(kind), projectId: p.projectId,
                                                     order: p.order == .worst ? .worst : .best, minReviews: p.minReviews ?? 3, limit: p.limit ?? 20)
                return AnalyticsTop.Result(kind: kind, base: AnalyticsWire.stat(base, base: nil), items: items.map { AnalyticsWire.stat($0, base: base) })
            }
        }
        table.register(AnalyticsTrends.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let base = try catalog.feedbackBase(projectId: p.projectId)
                let weeks = try catalog.feedbackTrend(projectId: p.projectId, weeks: p.weeks ?? 12)
                return AnalyticsTrends.Result(base: AnalyticsWire.stat(base, base: nil), weeks: weeks.map { AnalyticsWire.stat($0, base: base) })
            }
        }
        table.register(AnalyticsUseAsTemplate.self, on: .worker) { p, _ in
            try GalleryError.mapped { try AnalyticsWire.useAsTemplate(catalog, p) }
        }
        table.register(AnalyticsRebuild.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                AnalyticsRebuild.Result(reviewed: try catalog.rebuildFeedbackStats(recomputeFeatures: p.recomputeFeatures ?? false))
            }
        }
    }
}

/// Catalog analytics values → wire values.
enum AnalyticsWire {
    static func kind(_ k: AnalyticsKind) -> FeedbackFeatures.Kind {
        FeedbackFeatures.Kind(rawValue: k.rawValue) ?? .prompt
    }

    static func stat(_ s: FeedbackStat, base: FeedbackStat?) -> AnalyticsStat {
        var lift: Double?
        if let base, base.reviews > 0, base.rate > 0 { lift = s.rate / base.rate }
        return AnalyticsStat(value: s.value, approved: s.approved, rejected: s.rejected, reviews: s.reviews, rate: s.rate,
                             lowerBound: s.lowerBound, lift: lift, exampleImageId: s.exampleAssetId)
    }

    /// Saves the chosen prompt with its newest approved image's parameters as a template.
    static func useAsTemplate(_ catalog: CatalogDatabase, _ p: AnalyticsUseAsTemplate.Params) throws -> AnalyticsUseAsTemplate.Result {
        let stat: FeedbackStat
        switch (p.prompt, p.rank) {
        case (let prompt?, nil):
            guard let found = try catalog.feedbackStat(.prompt, FeedbackFeatures.normalizedPrompt(prompt), projectId: p.projectId) else {
                throw RPCError(code: RPCErrorCode.notFound, message: "No reviewed image has that prompt; copy it from analytics.top.")
            }
            stat = found
        case (nil, let rank?):
            guard (1...1000).contains(rank) else { throw RPCError.invalidParams("rank must be 1 to 1000; got \(rank).", field: "rank") }
            let top = try catalog.topFeedback(.prompt, projectId: p.projectId, minReviews: p.minReviews ?? 1, limit: rank)
            guard top.count == rank else {
                throw RPCError(code: RPCErrorCode.notFound, message: "analytics.top lists only \(top.count) prompt(s) here; pick a rank up to \(top.count).")
            }
            stat = top[rank - 1]
        default:
            throw RPCError.invalidParams("Give prompt or rank (one of them).", field: "prompt")
        }
        var params: [String: CatalogJSON] = ["prompt": .string(stat.value)]
        if let assetId = stat.exampleAssetId, let generationId = try? catalog.asset(assetId).generationId,
           let generation = try? catalog.generation(generationId) {
            params["prompt"] = .string(generation.prompt)
            if !generation.negativePrompt.isEmpty { params["negativePrompt"] = .string(generation.negativePrompt) }
            let recorded = generation.params.objectValue ?? [:]
            for key in ["width", "height", "steps"] {
                if case .int(let v)? = recorded[key] { params[key] = .int(v) }
            }
            if case .double(let g)? = recorded["guidance"] { params["guidance"] = .double(g) }
            if generation.provider == "local" {
                if !generation.model.isEmpty { params["model"] = .string(generation.model) }
                if case .string(let s)? = recorded["sampler"] { params["sampler"] = .string(s) }
            }
        }
        let description = p.description ?? "From analytics: \(stat.approved) of \(stat.reviews) approved."
        let template = try catalog.createTemplate(p.name, params: .object(JSONObject(params)), description: description)
        return AnalyticsUseAsTemplate.Result(template: TemplateHandlers.wire(template), stat: AnalyticsWire.stat(stat, base: try catalog.feedbackBase(projectId: p.projectId)))
    }
}
