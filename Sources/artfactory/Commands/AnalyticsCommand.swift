import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory analytics ...`: what got approved: top prompts and templates, lifts, trends.
struct AnalyticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "What worked: top prompts/templates by approval (with a confidence bound), lifts of terms, models, sizes; trends.",
        discussion: """
        Rankings use the 95 % Wilson lower bound of the approval rate, so 1 of 1 approved ranks below 23 of 25.
        Approve and reject images with: artfactory gallery approve|reject IMAGE... [--reason TEXT]
        """,
        subcommands: [AnalyticsSummaryCommand.self, AnalyticsTopCommand.self, AnalyticsLiftCommand.self, AnalyticsTrendsCommand.self,
                      AnalyticsUseAsTemplateCommand.self, AnalyticsExploreCommand.self, AnalyticsRebuildCommand.self],
        defaultSubcommand: AnalyticsSummaryCommand.self)

    static func time(_ millis: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    static func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }

    /// Rows for people: rank, value, approved/reviews, rate, lower bound, lift.
    static func printStats(_ title: String, _ items: [AnalyticsStat], showRank: Bool = true) {
        Console.out(title)
        if items.isEmpty { Console.out("  (no reviewed images yet)"); return }
        Console.table(["#", "APPROVED", "RATE", "LOWER", "LIFT", "VALUE"], items.enumerated().map { i, s in
            [showRank ? "\(i + 1)" : "", "\(s.approved)/\(s.reviews)", percent(s.rate), percent(s.lowerBound),
             s.lift.map { String(format: "%.2fx", $0) } ?? "-", s.value]
        })
    }

    static func printBase(_ base: AnalyticsStat) {
        Console.out("base: \(base.approved) approved of \(base.reviews) reviewed (\(percent(base.rate)))")
    }
}

/// Scope options every analytics subcommand takes.
struct AnalyticsScope: ParsableArguments {
    @Option(help: "Only this project (id).") var project: String?
    @Option(help: "Only keys with at least this many reviews.") var minReviews: Int?

    func validate() throws {
        if let minReviews, minReviews < 1 { throw ValidationError("--min-reviews must be 1 or more.") }
    }
}

extension AnalyticsKind: ExpressibleByArgument {}
extension AnalyticsLift.Order: ExpressibleByArgument {}

/// `artfactory analytics [summary]`.
struct AnalyticsSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "summary", abstract: "Base rate, top prompts and templates, best and worst terms, models, weekly trend.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: AnalyticsScope
    @Option(help: "Rows per section.") var limit: Int = 5

    func run() throws {
        let c = try global.connect()
        let prompts = try c.call(AnalyticsTop.self, .init(kind: .prompt, projectId: scope.project, minReviews: scope.minReviews, limit: limit))
        let templates = try c.call(AnalyticsTop.self, .init(kind: .template, projectId: scope.project, minReviews: scope.minReviews, limit: limit))
        let best = try c.call(AnalyticsLift.self, .init(kind: .term, projectId: scope.project, order: .best, minReviews: scope.minReviews, limit: limit))
        let worst = try c.call(AnalyticsLift.self, .init(kind: .term, projectId: scope.project, order: .worst, minReviews: scope.minReviews, limit: limit))
        let models = try c.call(AnalyticsLift.self, .init(kind: .model, projectId: scope.project, minReviews: scope.minReviews, limit: limit))
        let trends = try c.call(AnalyticsTrends.self, .init(projectId: scope.project, weeks: 8))
        if global.json {
            return Console.json(.object(JSONObject([
                ("base", try JSONValueEncoder().encode(prompts.base)),
                ("prompts", try JSONValueEncoder().encode(prompts.items)), ("templates", try JSONValueEncoder().encode(templates.items)),
                ("bestTerms", try JSONValueEncoder().encode(best.items)), ("worstTerms", try JSONValueEncoder().encode(worst.items)),
                ("models", try JSONValueEncoder().encode(models.items)), ("weeks", try JSONValueEncoder().encode(trends.weeks)),
            ])))
        }
        AnalyticsCommand.printBase(prompts.base)
        AnalyticsCommand.printStats("\ntop prompts (reuse one: artfactory analytics use-as-template --rank N NAME)", prompts.items)
        AnalyticsCommand.printStats("\ntop templates", templates.items)
        AnalyticsCommand.printStats("\nterms that go with approval", best.items)
        AnalyticsCommand.printStats("\nterms that go with rejection", worst.items)
        AnalyticsCommand.printStats("\nmodels", models.items)
        AnalyticsCommand.printStats("\nweeks", trends.weeks, showRank: false)
    }
}

/// `artfactory analytics top [--kind prompt]`.
struct AnalyticsTopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "top", abstract: "Rank prompts (or templates, terms, models, ...) by the lower confidence bound of their approval rate.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: AnalyticsScope
    @Option(help: "prompt, template, term, word, profile, style, model, preset or size.") var kind: AnalyticsKind = .prompt
    @Option(help: "Rows (1-1000).") var limit: Int = 20

    func run() throws {
        let r = try global.connect().call(AnalyticsTop.self, .init(kind: kind, projectId: scope.project, minReviews: scope.minReviews, limit: limit))
        if global.json { return try GalleryCommand.printJSON(r) }
        AnalyticsCommand.printBase(r.base)
        AnalyticsCommand.printStats("top \(kind.rawValue)s", r.items)
    }
}

/// `artfactory analytics lift [--kind term] [--order best|worst]`.
struct AnalyticsLiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lift", abstract: "Which terms, styles, profiles, models, presets or sizes go with approval (lift over the base rate).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: AnalyticsScope
    @Option(help: "term, word, profile, style, model, preset, size, prompt or template.") var kind: AnalyticsKind = .term
    @Option(help: "best or worst.") var order: AnalyticsLift.Order = .best
    @Option(help: "Rows (1-1000).") var limit: Int = 20

    func run() throws {
        let r = try global.connect().call(AnalyticsLift.self, .init(kind: kind, projectId: scope.project, order: order, minReviews: scope.minReviews, limit: limit))
        if global.json { return try GalleryCommand.printJSON(r) }
        AnalyticsCommand.printBase(r.base)
        AnalyticsCommand.printStats("\(order.rawValue) \(kind.rawValue)s", r.items)
    }
}

/// `artfactory analytics trends [--weeks N]`.
struct AnalyticsTrendsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trends", abstract: "Approval rate per week of creation, newest first.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this project (id).") var project: String?
    @Option(help: "Weeks (1-520).") var weeks: Int = 12

    func run() throws {
        let r = try global.connect().call(AnalyticsTrends.self, .init(projectId: project, weeks: weeks))
        if global.json { return try GalleryCommand.printJSON(r) }
        AnalyticsCommand.printBase(r.base)
        AnalyticsCommand.printStats("weeks (Monday, UTC)", r.weeks, showRank: false)
    }
}

/// `artfactory analytics use-as-template NAME (--rank N | --prompt TEXT)`.
struct AnalyticsUseAsTemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "use-as-template", abstract: "Save a top prompt (by rank or text) as a template with its approved image's parameters.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: AnalyticsScope
    @Argument(help: "Template name.") var name: String
    @Option(help: "Rank in 'analytics top' (1 = best).") var rank: Int?
    @Option(help: "The prompt text, as 'analytics top' shows it.") var prompt: String?

    func validate() throws {
        guard (rank == nil) != (prompt == nil) else { throw ValidationError("Give --rank or --prompt (one of them).") }
        if let rank, rank < 1 { throw ValidationError("--rank starts at 1.") }
    }

    func run() throws {
        let r = try global.connect().call(AnalyticsUseAsTemplate.self, .init(name: name, prompt: prompt, rank: rank, projectId: scope.project,
                                                                               minReviews: scope.minReviews))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet {
            Console.out("saved template \(r.template.name) (\(r.template.id)) from \"\(r.stat.value)\" (\(r.stat.approved)/\(r.stat.reviews) approved)")
            Console.out("use it: artfactory generate --template \"\(r.template.name)\"")
        }
    }
}

/// `artfactory analytics rebuild`.
struct AnalyticsRebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rebuild", abstract: "Recount analytics from the images' verdicts (after bulk loads).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Also recompute every reviewed image's features (slow; only after an upgrade changed them).") var recomputeFeatures = false

    func run() throws {
        let r = try global.connect().call(AnalyticsRebuild.self, .init(recomputeFeatures: recomputeFeatures ? true : nil))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet { Console.out("counted \(r.reviewed) reviewed image(s)") }
    }
}
