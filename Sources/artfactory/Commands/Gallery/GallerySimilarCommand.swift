import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery similar img_…` (or `--file PATH`): "more like this", ranked by a visual
/// descriptor of layout, colour and edges (no semantics; see docs/analytics.md).
struct GallerySimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar", abstract: "Images that look like an image or a file (layout, colours, edges; not content).",
        discussion: "Scores are 0-1 (1: identical pixels). Images stored before descriptors existed are measured on the way, a few hundred per call; the line after the table says how many are still pending.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: GalleryFilterOptions
    @Argument(help: "A gallery image id.") var id: String?
    @Option(help: "An image file (PNG, JPEG or WebP) instead of a gallery image.") var file: String?
    @Option(help: "How many (1-200).") var limit: Int = 12
    @Option(help: ArgumentHelp("Columns (id,score,prompt) or a line template ({id}\\t{score}).",
                               discussion: "Columns: \(ImageColumn.allCases.map(\.rawValue).joined(separator: ", ")); score is the similarity.")) var format: String?

    func validate() throws {
        guard (id == nil) != (file == nil) else { throw ValidationError("Give an image id or --file PATH (one of them).") }
        guard (1...200).contains(limit) else { throw ValidationError("--limit must be 1 to 200; got \(limit).") }
        _ = try ImageFormat.parse(format, default: ImageColumn.similarDefault)
    }

    func run() throws {
        let client = try global.connect()
        let result = try client.call(GallerySimilar.self, .init(id: id, path: file.map(GalleryCommand.absolute), filter: filters.filter, limit: limit))
        if global.json { return try GalleryCommand.printJSON(result) }
        try ImageFormat.parse(format, default: ImageColumn.similarDefault)
            .print(result.hits.map(\.image), scores: result.hits.map(\.similarity), isDefault: format == nil)
        guard format == nil else { return }
        var notes = ["compared \(result.compared) images (\(result.descriptor))"]
        if result.backfilled > 0 { notes.append("measured \(result.backfilled) now") }
        if result.pending > 0 { notes.append("\(result.pending) not measured yet: run again to include them") }
        if result.unreadable > 0 { notes.append("\(result.unreadable) skipped: file missing or unreadable (see gallery fsck)") }
        Console.error(notes.joined(separator: "; "))
    }
}
