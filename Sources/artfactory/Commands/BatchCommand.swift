import ArgumentParser
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation

/// `artfactory batch FILE|-`: submit a batch from a file of prompts (one per line) or batch.submit JSON.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Submit a batch: a file with one prompt per line (up to 10), or batch.submit params as JSON.",
        discussion: """
        JSON example: {"prompt": "a lighthouse", "strategy": "grid", "x": {"param": "steps", "values": ["15", "28"]},
        "y": {"param": "guidance", "values": ["5", "7.5"]}}. Options given here fill the shared settings.
        Collection: {"prompt": "a {subject} in the forest", "strategy": "collection", "set": {"collection": "Forest set",
        "pieces": 4, "subjects": ["fox", "owl", "bear", "hare"], "palette": ["teal"], "style": ["flat vector"]}}.
        Campaign: {"prompt": "a fox", "strategy": "campaign", "set": {"collection": "Fox launch", "hero": "img_…", "variants": 6}}.
        With --wait, prints the ZIP (and contact sheet) paths when done.
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "File to read, or - for stdin.") var file: String
    @Option(help: "Images per prompt.") var images: Int?
    @Option(help: "Model name.") var model: String?
    @Option(help: "Width in pixels.") var width: Int?
    @Option(help: "Height in pixels.") var height: Int?
    @Option(help: "Denoising steps.") var steps: Int?
    @Option(help: "Quality preset.") var preset: String?
    @Option(help: "Seed of the first image.") var seed: Int64?
    @Flag(help: "Wait for the batch to finish.") var wait = false
    @Flag(help: "Remote models: show the batch's cost estimate and today's limits; queue nothing.") var estimate = false

    func run() throws {
        let text: String
        if file == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure.usage("cannot read \(file)") }
            text = String(decoding: data, as: UTF8.self)
        }
        var params: BatchSubmit.Params
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            do {
                params = try JSONValueDecoder().decode(BatchSubmit.Params.self, from: JSONParser().parse(text))
            } catch {
                throw CLIFailure.usage("\(file) is not valid batch JSON: \(error)")
            }
        } else {
            let prompts = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            params = BatchSubmit.Params(prompts: prompts)
        }
        var base = params.base ?? Generate.Params()
        base.model = model ?? base.model
        base.width = width ?? base.width
        base.height = height ?? base.height
        base.steps = steps ?? base.steps
        base.preset = preset ?? base.preset
        base.seed = seed ?? base.seed
        params.base = base
        params.images = images ?? params.images
        let client = try global.connect()
        if estimate {
            guard let model = base.model, GenerateCommand.isRemote(model) else {
                throw CLIFailure.usage("--estimate prices remote models; pass --model provider:model-id (local batches cost nothing).")
            }
            let total: Int
            if let prompts = params.prompts { total = prompts.count * (params.images ?? 1) } else if params.strategy == "grid" {
                total = (params.x?.values.count ?? 1) * (params.y?.values.count ?? 1)
            } else if params.strategy == "collection" {
                total = params.set?.pieces ?? params.set?.subjects?.count ?? 0
            } else if params.strategy == "campaign" {
                total = (params.set?.variants ?? 6) + (params.set?.hero == nil ? 1 : 0)
            } else { total = params.images ?? 4 }
            return GenerateCommand.printEstimate(try client.call(ProviderEstimate.self, .init(model: model, count: total)), global)
        }
        try Self.submit(params, client: client, wait: wait, global: global)
    }

    /// Submits `params` and prints what was queued, or, with `wait`, follows the batch and prints its
    /// ZIP and contact sheet (shared by `batch`, `collection generate` and `campaign`).
    static func submit(_ params: BatchSubmit.Params, client: RPCClient, wait: Bool, global: GlobalOptions) throws {
        let queued = try client.call(BatchSubmit.self, params)
        if let cost = queued.estimatedCost, let provider = queued.provider, !global.quiet, !global.json {
            Console.error(String(format: "Runs on %@; estimated cost $%.4f for %d image(s).", provider, cost, queued.total))
        }
        guard wait else {
            if global.json { return Console.json(try JSONValueEncoder().encode(queued)) }
            let into = queued.collectionId.map { " into collection \($0)" } ?? ""
            return Console.out("Queued batch \(queued.jobId): \(queued.total) image(s)\(into). Follow it with `artfactory jobs watch \(queued.jobId)`.")
        }
        let info = try JobFollower(client: client, showProgress: Console.stderrIsTTY && !global.quiet && !global.json).wait(for: queued.jobId)
        if global.json { return Console.json(try JSONValueEncoder().encode(info)) }
        Console.out("Batch \(info.status): \(info.images.count) of \(queued.total) image(s), \(info.failedImages ?? 0) failed.")
        if let zip = info.zip { Console.out(zip) }
        if let sheet = info.contactSheet { Console.out(sheet) }
        guard info.status == "succeeded" else { throw CLIFailure.failed("Batch \(info.status)\(info.error.map { ": \($0)" } ?? ".")") }
    }
}
