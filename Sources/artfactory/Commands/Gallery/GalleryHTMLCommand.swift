import ArgumentParser
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation

/// `artfactory gallery html OUTDIR`: the static offline viewer (see ``ContactSheet``).
struct GalleryHTMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "Write a static offline viewer: a page for all images, each project and each collection, with search, filters and full-size view.",
        discussion: """
        Open OUTDIR/index.html in a browser; no server or network is needed. Thumbnails are copied into OUTDIR/thumbs; \
        full-size views link to the originals in the gallery, or use copies with --copy-originals (OUTDIR/originals), \
        which makes the folder portable. With filter options only the matching images are written, on one page.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: GalleryFilterOptions
    @Option(help: "At most this many images per page (newest first).") var max: Int = 5000
    @Flag(help: "Copy the originals into OUTDIR/originals so the folder works on its own.") var copyOriginals = false
    @Argument(help: "Output folder (created; index.html, one page per project and collection, thumbs/ inside).") var outdir: String

    func validate() throws {
        guard max >= 1 else { throw ValidationError("--max must be at least 1.") }
    }

    func run() throws {
        let client = try global.connect()
        let out = URL(fileURLWithPath: GalleryCommand.absolute(outdir))
        try FileManager.default.createDirectory(at: out.appendingPathComponent("thumbs"), withIntermediateDirectories: true)
        if copyOriginals { try FileManager.default.createDirectory(at: out.appendingPathComponent("originals"), withIntermediateDirectories: true) }
        var writer = CardWriter(client: client, out: out, copyOriginals: copyOriginals)

        // The scopes: everything (or the filtered set), then each project and collection.
        var scopes: [(file: String, title: String, filter: GalleryFilter?)] = [("index.html", filters.filter == nil ? "All images" : "Selected images", filters.filter)]
        if filters.filter == nil {
            var used = Set(["index"])
            func file(_ kind: String, _ name: String) -> String {
                var base = "\(kind)-\(ContactSheet.slug(name))"
                var n = 2
                while used.contains(base) { base = "\(kind)-\(ContactSheet.slug(name))-\(n)"; n += 1 }
                used.insert(base)
                return base + ".html"
            }
            for p in try client.call(ProjectList.self, NoParams()).projects {
                scopes.append((file("project", p.name), "Project: \(p.name)", GalleryFilter(projectId: p.id)))
            }
            for c in try client.call(CollectionList.self, .init()).collections {
                scopes.append((file("collection", c.name), "Collection: \(c.name)", GalleryFilter(collectionId: c.id)))
            }
        }
        var pages: [ContactSheet.Page] = []
        for scope in scopes {
            var images: [GalleryImage] = []
            var cursor: String?
            repeat {
                let page = try client.call(GalleryList.self, .init(filter: scope.filter, cursor: cursor, limit: min(1000, max - images.count)))
                images += page.items
                cursor = page.nextCursor
            } while cursor != nil && images.count < max
            pages.append(ContactSheet.Page(file: scope.file, title: scope.title, cards: try images.map { try writer.card($0) }))
        }
        let nav = pages.map { (file: $0.file, title: $0.title, count: $0.cards.count) }
        for page in pages {
            let data = Data(ContactSheet.render(page, nav: nav).utf8)
            try data.write(to: out.appendingPathComponent(page.file), options: .atomic)
        }
        let index = out.appendingPathComponent("index.html")
        if global.json {
            return Console.json(.object(JSONObject([
                ("path", .string(index.path)), ("images", .int(Int64(writer.written))),
                ("pages", .array(pages.map { .object(JSONObject([("file", .string($0.file)), ("title", .string($0.title)),
                                                                  ("images", .int(Int64($0.cards.count)))])) })),
            ])))
        }
        if !global.quiet {
            Console.out("wrote \(index.path) (\(writer.written) images, \(pages.count) page\(pages.count == 1 ? "" : "s"))")
        }
    }
}

/// Copies each image's thumbnail (and original, when asked) once, however many pages show it, and
/// reads its details once.
private struct CardWriter {
    let client: RPCClient
    let out: URL
    let copyOriginals: Bool
    private var cache: [String: ContactSheet.Card] = [:]
    var written: Int { cache.count }

    init(client: RPCClient, out: URL, copyOriginals: Bool) {
        self.client = client
        self.out = out
        self.copyOriginals = copyOriginals
    }

    mutating func card(_ image: GalleryImage) throws -> ContactSheet.Card {
        if let card = cache[image.id] { return card }
        let detail = try client.call(GalleryGet.self, .init(id: image.id))
        var thumbName: String?
        if let t = image.thumbnailPath, let data = FileManager.default.contents(atPath: t) {
            thumbName = "thumbs/\(image.id).webp"
            try data.write(to: out.appendingPathComponent(thumbName!), options: .atomic)
        }
        var original = URL(fileURLWithPath: image.path).absoluteString
        if copyOriginals, let data = FileManager.default.contents(atPath: image.path) {
            let ext = URL(fileURLWithPath: image.path).pathExtension
            original = "originals/\(image.id).\(ext.isEmpty ? "png" : ext)"
            try data.write(to: out.appendingPathComponent(original), options: .atomic)
        }
        let card = ContactSheet.Card(image: image, thumbnail: thumbName, original: original, generation: detail.generation,
                                     tags: detail.tags, collections: detail.collections.map(\.name))
        cache[image.id] = card
        return card
    }
}
