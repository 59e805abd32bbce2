import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory gallery import PATH...`: copy images (files or folders) into the gallery.
struct GalleryImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import image files or folders (PNG/JPEG/WebP; reads A1111, ComfyUI, InvokeAI and ArtFactory metadata).",
        discussion: """
        The import runs as a job beside the generation queue. By default this command waits for it, with a \
        progress bar on a terminal; --no-wait prints the job id at once (follow it with `artfactory jobs watch ID`, \
        stop it with `artfactory jobs cancel ID`). A single export (.zip or folder with manifest.json) is restored \
        with its catalog records.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Project id for the new images.") var project: String?
    @Option(name: .customLong("tag"), help: "Tag every imported image (repeat for several).") var tags: [String] = []
    @Flag(help: "Remove EXIF and other private metadata from the stored copies.") var strip = false
    @Flag(help: "Import the valid files and list the others instead of stopping at the first bad file.") var skipInvalid = false
    @Flag(name: .customLong("no-wait"), help: "Queue the import and print its job id without waiting.") var noWait = false
    @Argument(help: "Files or folders.") var paths: [String]

    func run() throws {
        let client = try global.connect()
        let queued = try client.call(GalleryImport.self, .init(paths: paths.map(GalleryCommand.absolute), projectId: project,
                                                               tags: tags.isEmpty ? nil : tags, strip: strip ? true : nil,
                                                               skipInvalid: skipInvalid ? true : nil))
        if noWait { return try GalleryJobOutput.queued(queued, global: global) }
        let job = try JobFollower(client: client, showProgress: Console.stderrIsTTY && !global.quiet && !global.json).wait(for: queued.id)
        if global.json { try GalleryCommand.printJSON(job) } else if let r = job.importResult {
            for item in r.items where item.status == "failed" { Console.error("failed: \(item.path): \(item.error ?? "")") }
            if !global.quiet { Console.out("imported \(r.imported), duplicates \(r.duplicates), failed \(r.failed)") }
        }
        try GalleryJobOutput.requireSuccess(job, what: "Import")
        if let r = job.importResult, r.failed > 0 { throw CLIFailure(message: "", exitCode: ExitStatus.daemonFailure) }
    }
}

/// Shared output of the commands that queue file jobs (import, export).
enum GalleryJobOutput {
    /// `--no-wait`: the job as JSON, or one line saying how to follow it.
    static func queued(_ job: JobInfo, global: GlobalOptions) throws {
        if global.json { return try GalleryCommand.printJSON(job) }
        if global.quiet { return Console.out(job.id) }
        Console.out("Queued \(job.kind) \(job.id). Follow it with `artfactory jobs watch \(job.id)`; stop it with `artfactory jobs cancel \(job.id)`.")
    }

    /// Fails the command (exit 1) unless the job succeeded, with the job's own error.
    static func requireSuccess(_ job: JobInfo, what: String) throws {
        switch job.status {
        case "succeeded": return
        case "canceled": throw CLIFailure.failed("\(what) \(job.id) was canceled; images stored before the cancel stay in the gallery.")
        default: throw CLIFailure.failed("\(what) \(job.id) \(job.status): \(job.error ?? "see `artfactory jobs list`").")
        }
    }
}
