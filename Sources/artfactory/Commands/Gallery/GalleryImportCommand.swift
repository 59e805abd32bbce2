import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory gallery import PATH...`: copy images (files or folders) into the gallery.
struct GalleryImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import image files or folders (PNG/JPEG/WebP; reads A1111, ComfyUI, InvokeAI and ArtFactory metadata).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Project id for the new images.") var project: String?
    @Option(name: .customLong("tag"), help: "Tag every imported image (repeat for several).") var tags: [String] = []
    @Flag(help: "Remove EXIF and other private metadata from the stored copies.") var strip = false
    @Flag(help: "Import the valid files and list the others instead of stopping at the first bad file.") var skipInvalid = false
    @Argument(help: "Files or folders.") var paths: [String]

    func run() throws {
        let client = try global.connect()
        let showProgress = Console.stderrIsTTY && !global.quiet && !global.json
        if showProgress {
            _ = try client.call(EventsSubscribe.self, .init(topics: [EventTopic.job]))
            client.onNotification = { n in
                guard n.method == "job.progress", n.params["kind"] == "gallery.import",
                      let done = n.params["done"]?.intValue, let total = n.params["total"]?.intValue else { return }
                FileHandle.standardError.write(Data("\rimporting \(done)/\(total)".utf8))
            }
        }
        let r = try client.call(GalleryImport.self, .init(paths: paths.map(GalleryCommand.absolute), projectId: project,
                                                          tags: tags.isEmpty ? nil : tags, strip: strip ? true : nil,
                                                          skipInvalid: skipInvalid ? true : nil))
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        if global.json { return try GalleryCommand.printJSON(r) }
        for item in r.items where item.status == "failed" { Console.error("failed: \(item.path): \(item.error ?? "")") }
        if !global.quiet { Console.out("imported \(r.imported), duplicates \(r.duplicates), failed \(r.failed)") }
        if r.failed > 0 { throw CLIFailure(message: "", exitCode: ExitStatus.daemonFailure) }
    }
}
