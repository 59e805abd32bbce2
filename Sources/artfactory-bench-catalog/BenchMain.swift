import ArtFactoryCatalog
import Foundation

/// `artfactory-bench-catalog [--count N] [--runs R] [--dir PATH]`: fills a catalog with N synthetic
/// generations (default 1,000,000) and measures list, deep-page and search latencies in-process.
/// `--fill-only --dir PATH` keeps the filled catalog (for measuring through the daemon's socket);
/// a later run with the same `--dir` reuses it instead of filling again.
@main
struct BenchMain {
    static func main() throws {
        var count = 1_000_000
        var runs = 200
        var directory: String?
        var fillOnly = false
        var arguments = CommandLine.arguments.dropFirst()
        while let argument = arguments.popFirst() {
            switch argument {
            case "--count": count = Int(arguments.popFirst() ?? "") ?? count
            case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
            case "--dir": directory = arguments.popFirst()
            case "--fill-only": fillOnly = true
            default:
                FileHandle.standardError.write(Data("usage: artfactory-bench-catalog [--count N] [--runs R] [--dir PATH] [--fill-only]\n".utf8))
                exit(2)
            }
        }
        let folder = directory ?? NSTemporaryDirectory() + "artfactory-bench-catalog-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let catalog = try CatalogDatabase(path: folder + "/catalog.sqlite")

        let existing = try catalog.assetCount()
        if existing > 0 {
            say("Reusing the catalog in \(folder) with \(existing) assets (delete it to fill again).")
        } else {
            say("Filling \(count) generations + assets into \(folder) ...")
            var synthetic = SyntheticCatalog()
            let fill = try Measure.once {
                try synthetic.fill(catalog, count: count) { done in say("  \(done) rows") }
            }
            var reviewed = 0
            let counting = try Measure.once { reviewed = try catalog.rebuildFeedbackStats() }
            say(String(format: "analytics counts for %d reviewed images: %.1f s", reviewed, counting))
            let optimize = try Measure.once { try catalog.optimize() }
            let size = (try? FileManager.default.attributesOfItem(atPath: folder + "/catalog.sqlite")[.size] as? Int) ?? 0
            say(String(format: "fill: %.1f s (%.0f rows/s), analyze+checkpoint: %.1f s, database: %.0f MiB",
                         fill, Double(count) / fill, optimize, Double(size) / 1_048_576))
        }
        if fillOnly { return }

        let limit = 50
        Measure.report("list first page (50, newest)", runs: runs) { _ = try catalog.listAssets(limit: limit) }
        let deepPage = 5_000
        var cursor: String?
        let walk = try Measure.once {
            for _ in 0..<(deepPage - 1) { cursor = try catalog.listAssets(cursor: cursor, limit: limit).nextCursor }
        }
        say(String(format: "walked %d pages to reach page %d: %.2f s (%.3f ms/page)",
                     deepPage - 1, deepPage, walk, walk * 1000 / Double(deepPage - 1)))
        let deepCursor = cursor
        Measure.report("list deep page \(deepPage) (cursor)", runs: runs) { _ = try catalog.listAssets(cursor: deepCursor, limit: limit) }
        Measure.report("list first page sorted by bytes", runs: runs) {
            _ = try catalog.listAssets(sort: AssetSort(field: .bytes, descending: true), limit: limit)
        }
        let project = try catalog.listProjects()[0]
        Measure.report("list first page, project filter", runs: runs) {
            _ = try catalog.listAssets(filter: AssetFilter(projectId: project.id), limit: limit)
        }
        Measure.report("list first page, favorites", runs: runs) {
            _ = try catalog.listAssets(filter: AssetFilter(favorite: true), limit: limit)
        }
        Measure.report("list first page, tag filter", runs: runs) {
            _ = try catalog.listAssets(filter: AssetFilter(tags: ["tag1"]), limit: limit)
        }
        var hits = 0
        Measure.report("search common word '\(SyntheticCatalog.commonWord)'", runs: runs) {
            hits = try catalog.searchAssets(SyntheticCatalog.commonWord, limit: limit).hits.count
        }
        say("  (page of \(hits) hits)")
        Measure.report("search rare word '\(SyntheticCatalog.rareWord)'", runs: runs) {
            hits = try catalog.searchAssets(SyntheticCatalog.rareWord, limit: limit).hits.count
        }
        say("  (page of \(hits) hits)")
        Measure.report("search prefix 'drag*' + project filter", runs: runs) {
            _ = try catalog.searchAssets("drag*", filter: AssetFilter(projectId: project.id), limit: limit)
        }
        Measure.report("search two words 'cat watercolor'", runs: runs) {
            _ = try catalog.searchAssets("cat watercolor", limit: limit)
        }
        Measure.report("analytics top prompts (20)", runs: runs) { _ = try catalog.topFeedback(.prompt) }
        Measure.report("analytics top prompts, minReviews 3", runs: runs) { _ = try catalog.topFeedback(.prompt, minReviews: 3) }
        Measure.report("analytics lift terms (best)", runs: runs) { _ = try catalog.liftFeedback(.term) }
        Measure.report("analytics lift terms (worst)", runs: runs) { _ = try catalog.liftFeedback(.term, order: .worst) }
        Measure.report("analytics trends (12 weeks), project", runs: runs) { _ = try catalog.feedbackTrend(projectId: project.id) }
    }
}
