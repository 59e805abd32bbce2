import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery export DEST`: originals + manifest.json to a folder or ZIP.
struct GalleryExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export images with their catalog records to a new folder or .zip (import it elsewhere with gallery import).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: GalleryFilterOptions
    @Option(help: "zip or folder (default: zip when DEST ends in .zip).") var format: String?
    @Option(name: .customLong("id"), help: "Only this image (repeat for several).") var ids: [String] = []
    @Argument(help: "New folder or .zip file.") var destination: String

    func run() throws {
        let r = try global.connect().call(GalleryExport.self, .init(destination: GalleryCommand.absolute(destination), format: format,
                                                                    ids: ids.isEmpty ? nil : ids, filter: filters.filter))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet { Console.out("exported \(r.images) image(s), \(r.bytes) bytes, to \(r.path)") }
    }
}
