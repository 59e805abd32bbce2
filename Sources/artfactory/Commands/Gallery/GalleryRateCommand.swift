import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery rate RATING ID...`.
struct GalleryRateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rate", abstract: "Rate images 0-5 (0 clears the rating).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Rating, 0-5.") var rating: Int
    @Argument(help: "Image ids.") var ids: [String]

    func validate() throws {
        guard (0...5).contains(rating) else { throw ValidationError("The rating must be 0 to 5.") }
    }

    func run() throws {
        let r = try global.connect().call(GalleryRate.self, .init(ids: ids, rating: rating))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet { Console.out("rated \(r.updated) image(s) \(rating)") }
    }
}
