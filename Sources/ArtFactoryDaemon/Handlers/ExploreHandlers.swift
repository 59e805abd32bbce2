import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// explore.*: exploration runs by Thompson sampling (docs/analytics.md#exploration-thompson-sampling);
/// explore.run generates through the generation service.
struct ExploreHandlers: HandlerGroup {
    let catalog: CatalogDatabase
    let service: GenerationService

    func register(in table: MethodTable) {
        table.register(ExploreCreate.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let params = p.params ?? .object(JSONObject())
                guard case .object = params else { throw RPCError.invalidParams("params must be an object of generate parameters.", field: "params") }
                let dims = p.dimensions.map { ExploreDimension(name: $0.name, values: $0.values) }
                var seed = UInt64.random(in: 0...UInt64.max)
                if let s = p.seed { seed = UInt64(bitPattern: s) }
                let run = try catalog.createExploreRun(name: p.name, prompt: p.prompt, dimensions: dims, params: params,
                                                       explore: p.explore ?? 0.5, seed: seed, projectId: p.projectId)
                // Params that are not generate parameters fail now; the model and ranges are checked by
                // explore.run (a run may be created before its model is installed, or only drawn from).
                do {
                    _ = try ExploreWire.generateParams(run, prompt: run.prompt, seed: 1, picks: [])
                } catch {
                    try? catalog.deleteExploreRun(run.id)
                    throw error
                }
                return try ExploreWire.info(catalog, run.id)
            }
        }
        table.register(ExploreGet.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let count = p.draws ?? 20
                guard (0...1000).contains(count) else { throw RPCError.invalidParams("draws must be 0 to 1000; got \(count).", field: "draws") }
                let info = try ExploreWire.info(catalog, p.id)
                let draws = count == 0 ? [] : try catalog.exploreDraws(p.id, limit: count)
                return ExploreGet.Result(run: info, draws: draws.map(ExploreWire.draw))
            }
        }
        table.register(ExploreList.self, on: .worker) { _, _ in
            try GalleryError.mapped { ExploreList.Result(runs: try catalog.listExploreRuns().map { try ExploreWire.info(catalog, $0.id) }) }
        }
        table.register(ExploreDelete.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                try catalog.deleteExploreRun(p.id)
                return ExploreDelete.Result(deleted: p.id)
            }
        }
        table.register(ExploreDrawMethod.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let draws = try ExploreWire.draw(catalog, p, maxCount: 1000)
                return ExploreDrawMethod.Result(draws: draws.map(ExploreWire.draw))
            }
        }
        table.register(ExploreReport.self, on: .worker) { p, _ in
            try GalleryError.mapped { ExploreWire.draw(try catalog.reportExplore(p.drawId, outcome: p.verdict.approved)) }
        }
        table.register(ExploreRunMethod.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let (run, _) = try catalog.exploreRun(p.id)
                try ExploreWire.probe(run, service)
                var draws = try ExploreWire.draw(catalog, p, maxCount: 64)
                for i in draws.indices {
                    let submitted = try service.submit(try ExploreWire.generateParams(run, draws[i]))
                    try catalog.attachExploreGeneration(draws[i].id, generationId: submitted.generationId, jobId: submitted.jobId)
                    draws[i].generationId = submitted.generationId
                    draws[i].jobId = submitted.jobId
                }
                return ExploreDrawMethod.Result(draws: draws.map(ExploreWire.draw))
            }
        }
    }
}

/// Catalog exploration values ↔ wire values, and draws → generate params.
enum ExploreWire {
    static func info(_ catalog: CatalogDatabase, _ id: String) throws -> ExploreInfo {
        let (run, arms) = try catalog.exploreRun(id)
        let dims = run.dimensions.map { d in
            ExploreInfo.Dimension(name: d.name, arms: arms.filter { $0.dimension == d.name }.map { a in
                let n = a.alpha + a.beta
                return ExploreInfo.Arm(value: a.value, approved: a.approved, rejected: a.rejected, drawn: a.drawn, alpha: a.alpha, beta: a.beta,
                                       mean: a.alpha / n, sd: (a.alpha * a.beta / (n * n * (n + 1))).squareRoot())
            })
        }
        return ExploreInfo(id: run.id, name: run.name, projectId: run.projectId, prompt: run.prompt, explore: run.explore, draws: run.draws,
                           params: run.params, createdAt: run.createdAt, dimensions: dims)
    }

    static func draw(_ d: ArtFactoryCatalog.ExploreDraw) -> ExploreDrawInfo {
        ExploreDrawInfo(id: d.id, runId: d.runId, seq: d.seq,
                        choice: d.choice.filter { $0.count == 2 }.map { ExploreDrawInfo.Pick(dimension: $0[0], value: $0[1]) },
                        prompt: d.prompt, seed: d.seed, generationId: d.generationId, jobId: d.jobId, outcome: FeedbackWire.verdict(d.outcome))
    }

    /// Records draws chosen by Thompson sampling.
    static func draw(_ catalog: CatalogDatabase, _ p: ExploreDrawMethod.Params, maxCount: Int) throws -> [ArtFactoryCatalog.ExploreDraw] {
        let count = p.count ?? 1
        guard (1...maxCount).contains(count) else { throw RPCError.invalidParams("count must be 1 to \(maxCount); got \(count).", field: "count") }
        if let e = p.explore, !(0...1).contains(e) { throw RPCError.invalidParams("explore must be 0 to 1; got \(e).", field: "explore") }
        return try catalog.drawExplore(p.id, count: count) { run, arms, state in
            ThompsonSampler.choose(run, arms, explore: p.explore ?? run.explore, state: &state)
        }
    }

    /// The generate request of one draw: the run's params with the draw's prompt, seed and any
    /// steps/guidance dimension, one image, in the run's project, tagged `explore`.
    static func generateParams(_ run: ArtFactoryCatalog.ExploreRun, _ d: ArtFactoryCatalog.ExploreDraw) throws -> Generate.Params {
        try generateParams(run, prompt: d.prompt, seed: d.seed, picks: d.choice)
    }

    static func generateParams(_ run: ArtFactoryCatalog.ExploreRun, prompt: String, seed: Int64, picks: [[String]]) throws -> Generate.Params {
        var params: Generate.Params
        do {
            params = try JSONValueDecoder().decode(Generate.Params.self, from: run.params)
        } catch let problem as DecodingProblem {
            throw RPCError.invalidParams("The exploration's params are not generate parameters: \(problem.message) at \(problem.path.joined(separator: ".")).", field: "params")
        }
        params.prompt = prompt
        params.seed = seed
        params.count = 1
        if params.project == nil { params.project = run.projectId }
        params.tags = (params.tags ?? []) + ["explore"]
        for pair in picks where pair.count == 2 {
            if pair[0] == "steps" { params.steps = Int(pair[1]) }
            if pair[0] == "guidance" { params.guidance = Double(pair[1]) }
            if pair[0].hasPrefix(CatalogDatabase.sliderDimensionPrefix), let position = Int(pair[1]) {
                params.sliders = (params.sliders ?? [:]).merging([String(pair[0].dropFirst(CatalogDatabase.sliderDimensionPrefix.count)): position]) { $1 }
            }
        }
        return params
    }

    /// Validates the generate request every value of the run could make (prompt with each dimension's
    /// values, steps and guidance values), without queueing anything.
    static func probe(_ run: ArtFactoryCatalog.ExploreRun, _ service: GenerationService) throws {
        let first = run.dimensions.map { [$0.name, $0.values[0]] }
        var probes: [[[String]]] = [first]
        for (i, d) in run.dimensions.enumerated() {
            for value in d.values.dropFirst() {
                var picks = first
                picks[i] = [d.name, value]
                probes.append(picks)
            }
        }
        for picks in probes {
            var prompt = run.prompt
            for pair in picks { prompt = prompt.replacingOccurrences(of: "{\(pair[0])}", with: pair[1]) }
            _ = try service.validator().spec(for: try generateParams(run, prompt: prompt, seed: 1, picks: picks))
        }
    }
}
