import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery search WORDS`: ranked full-text search.
struct GallerySearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Search prompts, tags, projects and collections.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: GalleryFilterOptions
    @Argument(help: "Words to find.") var words: [String]
    @Option(help: "Page size (1-1000).") var limit: Int = 50

    func run() throws {
        let client = try global.connect()
        let page = try client.call(GallerySearch.self, .init(query: words.joined(separator: " "), filter: filters.filter, limit: limit))
        if global.json { return try GalleryCommand.printJSON(page) }
        GalleryCommand.printImages(page.hits.map(\.image), scores: page.hits.map(\.score))
    }
}
