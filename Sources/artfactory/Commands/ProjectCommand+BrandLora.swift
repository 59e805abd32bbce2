import ArgumentParser
import ArtFactoryProtocol

extension ProjectCommand {
    /// `artfactory project brand-lora set|show|clear`.
    struct BrandLora: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "brand-lora",
            abstract: "The LoRA every generation in a project applies (generate --no-brand-lora turns it off for one request).",
            subcommands: [Assign.self, Show.self, Clear.self])

        struct Assign: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set", abstract: "Set a project's brand LoRA and its weight.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Project id.") var id: String
            @Argument(help: "LoRA name (artfactory loras list).") var lora: String
            @Option(help: "Weight (default 1; negative subtracts).") var weight: Double?
            func run() throws {
                let p = try global.connect().call(ProjectSetBrandLora.self, .init(id: id, lora: lora, weight: weight))
                if global.json { return try GalleryCommand.printJSON(p) }
                if !global.quiet { Console.out("\(p.name): brand LoRA \(Show.describe(p.brandLora))") }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a project's brand LoRA.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Project id.") var id: String
            func run() throws {
                let projects = try global.connect().call(ProjectList.self, NoParams()).projects
                guard let p = projects.first(where: { $0.id == id }) else {
                    throw ValidationError("no project with id \(id) (see `artfactory project list`)")
                }
                if global.json { return try GalleryCommand.printJSON(p) }
                Console.out(Self.describe(p.brandLora))
            }

            static func describe(_ lora: LoRAWeight?) -> String {
                guard let lora else { return "none" }
                return "\(lora.name) at weight \(lora.weight)"
            }
        }

        struct Clear: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a project's brand LoRA.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Project id.") var id: String
            func run() throws {
                let p = try global.connect().call(ProjectClearBrandLora.self, .init(id: id))
                if global.json { return try GalleryCommand.printJSON(p) }
                if !global.quiet { Console.out("\(p.name): no brand LoRA") }
            }
        }
    }
}
