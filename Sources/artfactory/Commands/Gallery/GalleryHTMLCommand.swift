import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory gallery html OUTDIR`: a static, offline contact sheet.
struct GalleryHTMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "Write a static offline HTML contact sheet (thumbnails link to originals; prompt on hover/click; filter by tag).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: GalleryFilterOptions
    @Option(help: "At most this many images (newest first).") var max: Int = 5000
    @Argument(help: "Output folder (created; index.html and thumbs/ are written inside).") var outdir: String

    func validate() throws {
        guard max >= 1 else { throw ValidationError("--max must be at least 1.") }
    }

    func run() throws {
        let client = try global.connect()
        var images: [GalleryImage] = []
        var cursor: String?
        repeat {
            let page = try client.call(GalleryList.self, .init(filter: filters.filter, cursor: cursor, limit: min(1000, max - images.count)))
            images += page.items
            cursor = page.nextCursor
        } while cursor != nil && images.count < max
        let out = URL(fileURLWithPath: GalleryCommand.absolute(outdir))
        let thumbs = out.appendingPathComponent("thumbs")
        try FileManager.default.createDirectory(at: thumbs, withIntermediateDirectories: true)
        var cards: [ContactSheet.Card] = []
        for image in images {
            let detail = try client.call(GalleryGet.self, .init(id: image.id))
            var thumbName: String?
            if let t = image.thumbnailPath, let data = FileManager.default.contents(atPath: t) {
                thumbName = "thumbs/\(image.id).webp"
                try data.write(to: out.appendingPathComponent(thumbName!))
            }
            cards.append(ContactSheet.Card(image: image, thumbnail: thumbName, generation: detail.generation, tags: detail.tags))
        }
        let index = out.appendingPathComponent("index.html")
        try Data(ContactSheet.render(cards).utf8).write(to: index)
        if global.json { return Console.json(["path": .string(index.path), "images": .int(Int64(cards.count))]) }
        if !global.quiet { Console.out("wrote \(index.path) (\(cards.count) images)") }
    }
}
