import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory explore ...`: exploration runs by Thompson sampling over prompt variants.
struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Explore prompt variants: Thompson sampling over what you approve (--explore 0 exploit … 1 explore).",
        discussion: """
        artfactory explore create "Fox styles" --prompt "a fox, {style}" --dim style=watercolor,neon,charcoal --dim seed=1,2,3
        artfactory explore run exp_… --count 8        # generates; approve/reject the images (gallery approve|reject) to teach it
        artfactory explore draw exp_… --count 3       # choose without generating; then: explore report drw_… approve
        artfactory explore show exp_…                 # posteriors per value (also: artfactory analytics explore exp_…)
        """,
        subcommands: [ExploreCreateCommand.self, ExploreRunCommand.self, ExploreDrawCommand.self, ExploreReportCommand.self,
                      ExploreShowCommand.self, ExploreListCommand.self, ExploreDeleteCommand.self])

    static func printRun(_ run: ExploreInfo) {
        Console.out("\(run.id)  \(run.name)  prompt: \(run.prompt)  explore: \(run.explore)  draws: \(run.draws)")
        for d in run.dimensions {
            Console.out("\n\(d.name)")
            Console.table(["VALUE", "APPROVED", "REJECTED", "DRAWN", "MEAN", "SD"], d.arms.map {
                [$0.value, "\($0.approved)", "\($0.rejected)", "\($0.drawn)", String(format: "%.3f", $0.mean), String(format: "%.3f", $0.sd)]
            })
        }
    }

    static func printDraws(_ draws: [ExploreDrawInfo]) {
        Console.table(["DRAW", "SEQ", "CHOICE", "SEED", "JOB"], draws.map { d in
            [d.id, "\(d.seq)", d.choice.map { "\($0.dimension)=\($0.value)" }.joined(separator: " "), "\(d.seed)", d.jobId ?? ""]
        })
    }
}

/// `artfactory explore create NAME --prompt P --dim name=v1,v2 ...`.
struct ExploreCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an exploration over prompt variants.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Name.") var name: String
    @Option(help: "Prompt with {dimension} slots.") var prompt: String
    @Option(name: .customLong("dim"), help: ArgumentHelp("A dimension and its values (repeatable); seed/steps/guidance set those parameters, slider:NAME=0,50,100 a style-profile slider.", valueName: "name=v1,v2"))
    var dims: [String] = []
    @Option(help: "0 exploit … 0.5 Thompson … 1 explore.") var explore: Double = 0.5
    @Option(help: "Sampler seed (reproducible draws).") var seed: Int64?
    @Option(help: "Project (id) of the images.") var project: String?
    @Option(help: "Style profile id of the images (default: the project's); needed for slider:NAME dimensions without a project profile.") var profile: String?
    @Option(help: "Model for explore run.") var model: String?
    @Option(help: "Image width.") var width: Int?
    @Option(help: "Image height.") var height: Int?
    @Option(help: "Denoising steps.") var steps: Int?

    func validate() throws {
        guard !dims.isEmpty else { throw ValidationError("Give at least one --dim name=value1,value2.") }
        guard (0...1).contains(explore) else { throw ValidationError("--explore must be 0 to 1.") }
        _ = try dimensions()
    }

    func dimensions() throws -> [ExploreCreate.Dimension] {
        try dims.map { text in
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { throw ValidationError("--dim takes name=value1,value2 (got '\(text)').") }
            let values = text[text.index(after: eq)...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return ExploreCreate.Dimension(name: String(text[..<eq]), values: values)
        }
    }

    func run() throws {
        var params = JSONObject()
        if let model { params["model"] = .string(model) }
        if let width { params["width"] = .int(Int64(width)) }
        if let height { params["height"] = .int(Int64(height)) }
        if let steps { params["steps"] = .int(Int64(steps)) }
        if let profile { params["profile"] = .string(profile) }
        let r = try global.connect().call(ExploreCreate.self, .init(name: name, prompt: prompt, dimensions: try dimensions(), explore: explore,
                                                                   seed: seed, projectId: project, params: .object(params)))
        if global.json { return try GalleryCommand.printJSON(r) }
        if global.quiet { return Console.out(r.id) }
        ExploreCommand.printRun(r)
    }
}

/// `artfactory explore run ID [--count N]`.
struct ExploreRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Draw N variants and generate one image each.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Exploration id.") var id: String
    @Option(help: "Images (1-64).") var count: Int = 1
    @Option(help: "Override the knob for these draws (0-1).") var explore: Double?

    func run() throws {
        let r = try global.connect().call(ExploreRunMethod.self, .init(id: id, count: count, explore: explore))
        if global.json { return try GalleryCommand.printJSON(r) }
        ExploreCommand.printDraws(r.draws)
        if !global.quiet { Console.out("follow: artfactory jobs; then approve or reject the images: artfactory gallery approve|reject img_…") }
    }
}

/// `artfactory explore draw ID [--count N]`.
struct ExploreDrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "draw", abstract: "Choose the next variants without generating (report outcomes with explore report).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Exploration id.") var id: String
    @Option(help: "Draws (1-1000).") var count: Int = 1
    @Option(help: "Override the knob for these draws (0-1).") var explore: Double?

    func run() throws {
        let r = try global.connect().call(ExploreDrawMethod.self, .init(id: id, count: count, explore: explore))
        if global.json { return try GalleryCommand.printJSON(r) }
        ExploreCommand.printDraws(r.draws)
    }
}

extension GalleryReview.Verdict: ExpressibleByArgument {}

/// `artfactory explore report DRAW approve|reject|clear`.
struct ExploreReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Report a draw's outcome (draws without images).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Draw id.") var drawId: String
    @Argument(help: "approve, reject or clear.") var verdict: GalleryReview.Verdict

    func run() throws {
        let r = try global.connect().call(ExploreReport.self, .init(drawId: drawId, verdict: verdict))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet { Console.out("\(r.id): \(r.outcome.rawValue)") }
    }
}

/// `artfactory explore show ID`.
struct ExploreShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Posteriors per value and the latest draws.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Exploration id.") var id: String
    @Option(help: "Latest draws to show.") var draws: Int = 10

    func run() throws {
        let r = try global.connect().call(ExploreGet.self, .init(id: id, draws: draws))
        if global.json { return try GalleryCommand.printJSON(r) }
        ExploreCommand.printRun(r.run)
        if !r.draws.isEmpty { Console.out("\nlatest draws"); ExploreCommand.printDraws(r.draws) }
    }
}

/// `artfactory explore list`.
struct ExploreListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every exploration.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let r = try global.connect().call(ExploreList.self, NoParams())
        if global.json { return try GalleryCommand.printJSON(r) }
        Console.table(["ID", "NAME", "DRAWS", "EXPLORE", "PROMPT"], r.runs.map { [$0.id, $0.name, "\($0.draws)", "\($0.explore)", $0.prompt] })
    }
}

/// `artfactory explore delete ID`.
struct ExploreDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an exploration (its images stay).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Exploration id.") var id: String

    func run() throws {
        let r = try global.connect().call(ExploreDelete.self, .init(id: id))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet { Console.out("deleted \(r.deleted)") }
    }
}

/// `artfactory analytics explore ID`: the posteriors of an exploration, with the other analytics.
struct AnalyticsExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explore", abstract: "Posterior per value of an exploration (or list explorations).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Exploration id (omit to list them all with their posteriors).") var id: String?

    func run() throws {
        let c = try global.connect()
        let runs = try id.map { [try c.call(ExploreGet.self, .init(id: $0, draws: 0)).run] } ?? c.call(ExploreList.self, NoParams()).runs
        if global.json { return try GalleryCommand.printJSON(runs) }
        if runs.isEmpty { return Console.out("no explorations yet: artfactory explore create --help") }
        for (i, run) in runs.enumerated() {
            if i > 0 { Console.out("") }
            ExploreCommand.printRun(run)
        }
    }
}
