import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory gallery show ID`: metadata, and the thumbnail inline on kitty/iTerm2 terminals.
struct GalleryShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one image's metadata (and thumbnail on kitty/iTerm2).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Image id.") var id: String

    func run() throws {
        let client = try global.connect()
        let r = try client.call(GalleryGet.self, .init(id: id))
        if global.json { return try GalleryCommand.printJSON(r) }
        let i = r.image
        // On a terminal, or wherever ARTFACTORY_GRAPHICS names a protocol (the user asked for it).
        if Console.stdoutIsTTY || ProcessInfo.processInfo.environment["ARTFACTORY_GRAPHICS"] != nil,
           let escape = InlineImage.escape(thumbnail: i.thumbnailPath.flatMap { FileManager.default.contents(atPath: $0) },
                                           originalPath: i.path, mime: i.mime, environment: ProcessInfo.processInfo.environment) {
            Console.out(escape)
        }
        Console.out("\(i.id)  \(i.width)x\(i.height)  \(i.mime)  \(i.bytes) bytes\(i.favorite ? "  favorite" : "")\(i.rating > 0 ? "  rating \(i.rating)" : "")")
        Console.out("  file      \(i.path)")
        if let g = r.generation {
            Console.out("  prompt    \(g.prompt)")
            if !g.negativePrompt.isEmpty { Console.out("  negative  \(g.negativePrompt)") }
            Console.out("  model     \(g.model.isEmpty ? "-" : g.model)   seed \(g.seed.map(String.init) ?? "-")   provider \(g.provider)")
            Console.out("  params    \(JSONWriter.string(g.params))")
            if !r.ancestors.isEmpty { Console.out("  lineage   \(r.ancestors.map(\.id).joined(separator: " <- "))") }
        }
        if !r.tags.isEmpty { Console.out("  tags      \(r.tags.joined(separator: ", "))") }
        if !r.collections.isEmpty { Console.out("  in        \(r.collections.map(\.name).joined(separator: ", "))") }
        if let p = r.previousId { Console.out("  previous  \(p)") }
        if let n = r.nextId { Console.out("  next      \(n)") }
    }
}
