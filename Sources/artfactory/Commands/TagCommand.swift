import ArgumentParser
import ArtFactoryProtocol

/// `artfactory tag list|add|remove|rename`.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Tag images and manage tags.",
                                                    subcommands: [List.self, Add.self, Remove.self, Rename.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tags with image counts.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let r = try global.connect().call(TagList.self, NoParams())
            if global.json { return try GalleryCommand.printJSON(r) }
            Console.table(["TAG", "IMAGES"], r.tags.map { [$0.name, "\($0.count)"] })
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a tag to images.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Tag name.") var tag: String
        @Argument(help: "Image ids.") var ids: [String]
        func run() throws {
            let r = try global.connect().call(TagAdd.self, .init(ids: ids, tags: [tag]))
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("tagged \(r.updated) image(s) \(tag)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a tag from images.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Tag name.") var tag: String
        @Argument(help: "Image ids.") var ids: [String]
        func run() throws {
            let r = try global.connect().call(TagRemove.self, .init(ids: ids, tags: [tag]))
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("untagged \(r.updated) image(s)") }
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a tag everywhere.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Current name.") var name: String
        @Argument(help: "New name.") var newName: String
        func run() throws {
            let r = try global.connect().call(TagRename.self, .init(name: name, newName: newName))
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("renamed to \(r.name)") }
        }
    }
}
