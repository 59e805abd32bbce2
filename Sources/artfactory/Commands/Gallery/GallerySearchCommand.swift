import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery search WORDS`: ranked full-text search.
struct GallerySearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Search prompts, tags, projects and collections.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: GalleryFilterOptions
    @Argument(help: "Words to find.") var words: [String]
    @Option(help: "Page size (1-1000).") var limit: Int = 50
    @Option(help: ArgumentHelp("Columns (id,score,match) or a line template ({id}\\t{match}).",
                               discussion: "Columns: \(ImageColumn.allCases.map(\.rawValue).joined(separator: ", ")); match is the passage that matched, words in [brackets].")) var format: String?

    func validate() throws { _ = try ImageFormat.parse(format, default: ImageColumn.searchDefault) }

    func run() throws {
        let client = try global.connect()
        let page = try client.call(GallerySearch.self, .init(query: words.joined(separator: " "), filter: filters.filter, limit: limit))
        if global.json { return try GalleryCommand.printJSON(page) }
        try ImageFormat.parse(format, default: ImageColumn.searchDefault)
            .print(page.hits.map(\.image), scores: page.hits.map(\.score), snippets: page.hits.map(\.snippet), isDefault: format == nil)
    }
}
