import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory template list|save|delete`.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "template", abstract: "Saved parameter sets.",
                                                    subcommands: [List.self, Save.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List templates.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let r = try global.connect().call(TemplateList.self, NoParams())
            if global.json { return try GalleryCommand.printJSON(r) }
            Console.table(["ID", "NAME", "PARAMS"], r.templates.map { [$0.id, $0.name, JSONWriter.string($0.params)] })
        }
    }

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save a template from a JSON object of parameters (--id updates).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Template id to update.") var id: String?
        @Option(help: "Description.") var description: String?
        @Argument(help: "Name.") var name: String
        @Argument(help: "Parameters as a JSON object, or - for stdin.") var params: String
        func run() throws {
            let text = params == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : params
            let parsed: JSONValue
            do { parsed = try JSONParser().parse(text) } catch { throw CLIFailure.usage("parameters are not valid JSON: \(error)") }
            let t = try global.connect().call(TemplateSave.self, .init(id: id, name: name, description: description, params: parsed))
            if global.json { return try GalleryCommand.printJSON(t) }
            Console.out(t.id)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a template.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Template id.") var id: String
        func run() throws {
            let r = try global.connect().call(TemplateDelete.self, .init(id: id))
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("deleted \(r.deleted)") }
        }
    }
}
