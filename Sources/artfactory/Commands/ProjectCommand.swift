import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory project list|create|rename|delete|brand-lora`.
struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "project", abstract: "Manage projects (gallery folders).",
                                                    subcommands: [List.self, Create.self, Rename.self, Delete.self, BrandLora.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List projects.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let r = try global.connect().call(ProjectList.self, NoParams())
            if global.json { return try GalleryCommand.printJSON(r) }
            Console.table(["ID", "NAME", "FOLDER"], r.projects.map { [$0.id, $0.name, $0.slug] })
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a project.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Name.") var name: String
        @Option(help: "Description.") var description: String?
        @Option(help: "Default style profile id (see `artfactory profile list`); its terms and sliders apply to the project's images.")
        var profile: String?
        func run() throws {
            let p = try global.connect().call(ProjectCreate.self, .init(name: name, description: description, defaultProfileId: profile))
            if global.json { return try GalleryCommand.printJSON(p) }
            Console.out(p.id)
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a project (its folder stays).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Project id.") var id: String
        @Argument(help: "New name.") var name: String
        func run() throws {
            let p = try global.connect().call(ProjectRename.self, .init(id: id, name: name))
            if global.json { return try GalleryCommand.printJSON(p) }
            if !global.quiet { Console.out("renamed \(p.id) to \(p.name)") }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an empty project.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Project id.") var id: String
        func run() throws {
            let r = try global.connect().call(ProjectDelete.self, .init(id: id))
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("deleted \(r.deleted)") }
        }
    }
}
