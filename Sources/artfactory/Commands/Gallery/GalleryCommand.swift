import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory gallery ...`: browse, search and maintain the image gallery.
struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Browse, search, import and maintain the image gallery.",
        subcommands: [GalleryListCommand.self, GallerySearchCommand.self, GallerySimilarCommand.self, GalleryShowCommand.self, GalleryCompareCommand.self,
                      GalleryFavoriteCommand.self, GalleryPinCommand.self, GalleryUnpinCommand.self, GalleryRateCommand.self,
                      GalleryApproveCommand.self, GalleryRejectCommand.self, GalleryUnreviewCommand.self, GalleryReviewsCommand.self,
                      GalleryHandoffCommand.self,
                      GalleryDeleteCommand.self,
                      GalleryImportCommand.self, GalleryExportCommand.self, GalleryRetentionCommand.self, GalleryFsckCommand.self,
                      GalleryHTMLCommand.self, GalleryUpscaleCommand.self])

    /// Prints any encodable result as pretty JSON.
    static func printJSON<T: Encodable>(_ value: T) throws {
        Console.json(try JSONValueEncoder().encode(value))
    }

    /// Makes a path the user typed absolute (the daemon accepts only absolute paths).
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "~" || path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }
}

/// Filter options shared by `gallery list`, `gallery search` and `gallery similar`.
struct GalleryFilterOptions: ParsableArguments {
    @Option(help: "Only this project (id).") var project: String?
    @Option(help: "Only this collection (id).") var collection: String?
    @Option(name: .customLong("tag"), help: "Only images with this tag (repeat for several).") var tags: [String] = []
    @Flag(help: "Only favorites.") var favorites = false
    @Option(help: "Only this model.") var model: String?
    @Option(help: "Only images rated at least this (1-5).") var minRating: Int?

    var filter: GalleryFilter? {
        let f = GalleryFilter(projectId: project, collectionId: collection, tags: tags.isEmpty ? nil : tags,
                              favorite: favorites ? true : nil, model: model, minRating: minRating)
        return f == GalleryFilter() ? nil : f
    }
}
