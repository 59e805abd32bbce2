import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory handoff ...`: targets, hand-off status and reports.
struct HandoffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handoff",
        abstract: "Hand-off targets (outbox folders or loopback endpoints), the status of hand-offs, and pipeline verdicts.",
        discussion: """
        artfactory handoff target upscaler --folder ~/pipeline      # outbox/ and inbox/ inside
        artfactory handoff target enhance --url http://127.0.0.1:8765/jobs
        artfactory gallery handoff img_… --to upscaler
        artfactory handoff list --status sent
        artfactory handoff report hof_… approve --reason "clean upscale"
        """,
        subcommands: [HandoffTargetCommand.self, HandoffListCommand.self, HandoffReportCommand.self])

    static func printItems(_ items: [HandoffInfo]) {
        Console.table(["HANDOFF", "IMAGE", "TARGET", "STATUS", "ATTEMPTS", "NOTE"], items.map {
            [$0.id, $0.imageId, $0.target, $0.status, "\($0.attempts)", $0.error ?? $0.reason ?? ""]
        })
    }
}

/// `artfactory handoff target NAME (--folder PATH | --url URL | --remove)`.
struct HandoffTargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "target", abstract: "Add, change or remove a hand-off target.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Target name.") var name: String
    @Option(help: "Folder (the daemon writes outbox/, reads inbox/).") var folder: String?
    @Option(help: "Loopback http URL to POST images to.") var url: String?
    @Flag(help: "Remove the target.") var remove = false

    func validate() throws {
        let given = [folder != nil, url != nil, remove].filter { $0 }.count
        guard given == 1 else { throw ValidationError("Give one of --folder, --url or --remove.") }
    }

    func run() throws {
        let r = try global.connect().call(HandoffSetTarget.self, .init(name: name, folder: folder.map(GalleryCommand.absolute), url: url,
                                                                      remove: remove ? true : nil))
        if global.json { return try GalleryCommand.printJSON(r) }
        Console.table(["TARGET", "WHERE"], r.targets.map { [$0.name, $0.folder ?? $0.url ?? ""] })
    }
}

/// `artfactory handoff list [--status S] [--target T]`.
struct HandoffListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Targets and hand-offs, newest first.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "queued, sent, approved, rejected or failed.") var status: String?
    @Option(help: "Only this target.") var target: String?
    @Option(help: "Rows (1-1000).") var limit: Int = 100

    func run() throws {
        let r = try global.connect().call(HandoffList.self, .init(status: status, target: target, limit: limit))
        if global.json { return try GalleryCommand.printJSON(r) }
        Console.table(["TARGET", "WHERE"], r.targets.map { [$0.name, $0.folder ?? $0.url ?? ""] })
        Console.out("")
        HandoffCommand.printItems(r.handoffs)
    }
}

/// `artfactory handoff report HOF approve|reject [--reason TEXT]`.
struct HandoffReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Record a pipeline's verdict on a handed-off image.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Hand-off id (hof_…).") var id: String
    @Argument(help: "approve or reject.") var verdict: GalleryReview.Verdict
    @Option(help: "Why.") var reason: String?

    func validate() throws {
        guard verdict != .clear else { throw ValidationError("The verdict is approve or reject.") }
    }

    func run() throws {
        let r = try global.connect().call(HandoffReport.self, .init(id: id, verdict: verdict, reason: reason))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet { Console.out("\(r.id) (\(r.imageId)): \(r.status)") }
    }
}

/// `artfactory gallery handoff ID... --to NAME`.
struct GalleryHandoffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "handoff", abstract: "Hand images to an enhancement pipeline target (see: artfactory handoff).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Image ids.") var ids: [String]
    @Option(help: "Target name.") var to: String

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("Give at least one image id.") }
    }

    func run() throws {
        let r = try global.connect().call(GalleryHandoff.self, .init(ids: ids, to: to))
        if global.json { return try GalleryCommand.printJSON(r) }
        HandoffCommand.printItems(r.handoffs)
    }
}
