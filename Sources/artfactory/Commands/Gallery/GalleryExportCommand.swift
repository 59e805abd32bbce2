import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery export DEST`: originals + manifest.json to a folder or ZIP.
struct GalleryExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export images with their catalog records to a new folder or .zip (import it elsewhere with gallery import).",
        discussion: """
        The export runs as a job beside the generation queue. By default this command waits for it, with a \
        progress bar on a terminal; --no-wait prints the job id at once.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: GalleryFilterOptions
    @Option(help: "zip or folder (default: zip when DEST ends in .zip).") var format: String?
    @Option(name: .customLong("id"), help: "Only this image (repeat for several).") var ids: [String] = []
    @Flag(name: .customLong("no-wait"), help: "Queue the export and print its job id without waiting.") var noWait = false
    @Argument(help: "New folder or .zip file.") var destination: String

    func run() throws {
        let client = try global.connect()
        let queued = try client.call(GalleryExport.self, .init(destination: GalleryCommand.absolute(destination), format: format,
                                                               ids: ids.isEmpty ? nil : ids, filter: filters.filter))
        if noWait { return try GalleryJobOutput.queued(queued, global: global) }
        let job = try JobFollower(client: client, showProgress: Console.stderrIsTTY && !global.quiet && !global.json).wait(for: queued.id)
        if global.json {
            try GalleryCommand.printJSON(job)
        } else if let r = job.exportResult, !global.quiet {
            Console.out("exported \(r.images) image(s), \(r.bytes) bytes, to \(r.path)")
        }
        try GalleryJobOutput.requireSuccess(job, what: "Export")
    }
}
