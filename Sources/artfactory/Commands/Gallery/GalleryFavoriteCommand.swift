import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery favorite ID...`: mark (or with --off unmark) favorites.
struct GalleryFavoriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "favorite", abstract: "Mark images as favorites (--off to unmark).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Unmark instead.") var off = false
    @Argument(help: "Image ids.") var ids: [String]

    func run() throws {
        let r = try global.connect().call(GalleryFavorite.self, .init(ids: ids, favorite: !off))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet { Console.out("\(off ? "unmarked" : "marked") \(r.updated) image(s)") }
    }
}
