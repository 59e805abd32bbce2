import ArgumentParser
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation

/// `artfactory watch DIR --project P [--tag T] [--as image|input]`, `watch list`, `watch stop ID|DIR`:
/// the daemon imports new exports (from Figma, say) dropped into a folder.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Import new images from a folder as they appear (a Figma export folder, say).",
        discussion: """
        The daemon watches the folder (files directly in it: .png, .jpg, .jpeg, .webp) and imports each new file once it \
        is completely written. Watches survive daemon restarts; files added while the daemon was down are imported when it \
        starts. `watch DIR ...` is short for `watch add DIR ...`.
        """,
        subcommands: [Add.self, List.self, Stop.self],
        defaultSubcommand: Add.self)

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start watching a folder.",
            discussion: """
            --as image (default) stores gallery images and reads generation metadata from PNG chunks like `gallery import`. \
            --as input stores input assets for image-to-image: use the printed id with `artfactory generate --source IMG_ID`.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The folder to watch.") var dir: String
        @Option(help: "Project for the imported images: its id or its name (the project must exist).") var project: String
        @Option(name: .customLong("tag"), help: "Tag every imported image (repeat for several).") var tags: [String] = []
        @Option(name: .customLong("as"), help: "image (gallery images, default) or input (sources for generate --source).")
        var role: String = "image"

        func validate() throws {
            guard role == "image" || role == "input" else { throw ValidationError("--as must be image or input, not '\(role)'.") }
        }

        func run() throws {
            let client = try global.connect()
            let projectId = try WatchCommand.projectId(project, client: client)
            let w = try client.call(WatchAdd.self, .init(dir: GalleryCommand.absolute(dir), projectId: projectId,
                                                         tags: tags.isEmpty ? nil : tags, as: role))
            if global.json { return try GalleryCommand.printJSON(w) }
            Console.out(w.id)
            if !global.quiet {
                Console.error("watching \(w.dir) (\(w.as) → project \(w.projectId)); see progress with: artfactory watch list")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List watched folders with their import counts and latest problem.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let r = try global.connect().call(WatchList.self, NoParams())
            if global.json { return try GalleryCommand.printJSON(r) }
            if r.watches.isEmpty {
                if !global.quiet { Console.out("No folders are watched. Start with: artfactory watch DIR --project PROJECT") }
                return
            }
            Console.table(["ID", "STATUS", "AS", "IMPORTED", "DUPS", "FAILED", "PENDING", "PROJECT", "TAGS", "DIR", "LAST ERROR"],
                          r.watches.map { w in
                              [w.id, w.status, w.as, "\(w.imported)", "\(w.duplicates)", "\(w.failed)", "\(w.pending)", w.projectId,
                               w.tags.joined(separator: ","), w.dir, w.lastError ?? ""]
                          })
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop watching a folder (imported images stay in the gallery).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The watch id (wch_…) or the watched folder.") var target: String
        func run() throws {
            let params: WatchRemove.Params = target.hasPrefix("wch_") ? .init(id: target) : .init(dir: GalleryCommand.absolute(target))
            let r = try global.connect().call(WatchRemove.self, params)
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("stopped watching \(r.dir) (\(r.removed))") }
        }
    }

    /// A project id as given, or the id of the project with that name.
    static func projectId(_ idOrName: String, client: RPCClient) throws -> String {
        if idOrName.hasPrefix("prj_") { return idOrName }
        let projects = try client.call(ProjectList.self, NoParams()).projects
        if let p = projects.first(where: { $0.name.caseInsensitiveCompare(idOrName) == .orderedSame || $0.slug == idOrName }) { return p.id }
        throw CLIFailure.failed("No project named '\(idOrName)'. Create it with: artfactory project create \"\(idOrName)\"")
    }
}
