import ArgumentParser
import ArtFactoryProtocol

/// `artfactory collection list|create|add|remove|delete`.
struct CollectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "collection", abstract: "Group images into collections.",
                                                    subcommands: [List.self, Create.self, Add.self, Remove.self, Delete.self, CollectionGenerate.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List collections.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this project's (and global) collections.") var project: String?
        func run() throws {
            let r = try global.connect().call(CollectionList.self, .init(projectId: project))
            if global.json { return try GalleryCommand.printJSON(r) }
            Console.table(["ID", "NAME", "IMAGES"], r.collections.map { [$0.id, $0.name, "\($0.count)"] })
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a collection.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Name.") var name: String
        @Option(help: "Project id.") var project: String?
        func run() throws {
            let r = try global.connect().call(CollectionCreate.self, .init(name: name, projectId: project))
            if global.json { return try GalleryCommand.printJSON(r) }
            Console.out(r.id)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add images to a collection.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Collection id.") var collection: String
        @Argument(help: "Image ids.") var ids: [String]
        func run() throws {
            let r = try global.connect().call(CollectionAdd.self, .init(collectionId: collection, ids: ids))
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("added \(r.updated) image(s)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove images from a collection (they stay in the gallery).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Collection id.") var collection: String
        @Argument(help: "Image ids.") var ids: [String]
        func run() throws {
            let r = try global.connect().call(CollectionRemove.self, .init(collectionId: collection, ids: ids))
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("removed \(r.updated) image(s)") }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a collection (its images stay).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Collection id.") var id: String
        func run() throws {
            let r = try global.connect().call(CollectionDelete.self, .init(id: id))
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("deleted \(r.deleted)") }
        }
    }
}
