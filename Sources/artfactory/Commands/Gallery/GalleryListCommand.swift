import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery list`: one page of images.
struct GalleryListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List images, newest first (filters, sort, pages).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: GalleryFilterOptions
    @Option(help: "Sort by created, bytes or rating.") var sort: String = "created"
    @Flag(help: "Oldest/smallest/lowest first.") var ascending = false
    @Option(help: "Page size (1-1000).") var limit: Int = 50
    @Option(help: "Continue after this cursor (printed at the end of the previous page).") var cursor: String?
    @Option(help: ArgumentHelp("Columns (id,seed,prompt) or a line template ({id}\\t{prompt}).",
                               discussion: "Columns: \(ImageColumn.allCases.map(\.rawValue).joined(separator: ", ")).")) var format: String?

    func validate() throws { _ = try ImageFormat.parse(format, default: ImageColumn.listDefault) }

    func run() throws {
        let client = try global.connect()
        let page = try client.call(GalleryList.self, .init(filter: filters.filter, sort: sort, descending: !ascending, cursor: cursor, limit: limit))
        if global.json { return try GalleryCommand.printJSON(page) }
        try ImageFormat.parse(format, default: ImageColumn.listDefault).print(page.items, isDefault: format == nil)
        if let next = page.nextCursor, !global.quiet { Console.out("more: artfactory gallery list --cursor \(next)") }
    }
}
