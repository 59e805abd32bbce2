import ArgumentParser
import ArtFactoryProtocol

/// `artfactory models list|load|unload`.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models in $ARTFACTORY_HOME/models/.",
        subcommands: [List.self, Load.self, Unload.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List installed models (* = default).")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let result = try global.connect().call(ModelsList.self, NoParams())
            if global.json { return Console.json(try JSONValueEncoder().encode(result)) }
            if result.models.isEmpty { return Console.out("No models. Copy a diffusers folder or a .safetensors file into the models folder.") }
            Console.table(["NAME", "FORMAT", "SIZE", "LOADED"], result.models.map {
                [($0.isDefault ? "* " : "  ") + $0.name, $0.format, "\($0.bytes / 1_048_576) MiB", $0.loaded ? "yes" : ""]
            })
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a model's weights now (default model when no name).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Model name.") var name: String?
        func run() throws {
            let r = try global.connect().call(ModelsLoad.self, .init(name: name))
            if global.json { return Console.json(try JSONValueEncoder().encode(r)) }
            Console.out("Loaded \(r.name) in \(Console.duration(r.seconds)). In memory: \(r.resident.joined(separator: ", ")).")
        }
    }

    struct Unload: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Free a model's memory.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Model name.") var name: String?
        func run() throws {
            let r = try global.connect().call(ModelsUnload.self, .init(name: name))
            if global.json { return Console.json(try JSONValueEncoder().encode(r)) }
            Console.out("Unloaded \(r.name). In memory: \(r.resident.isEmpty ? "none" : r.resident.joined(separator: ", ")).")
        }
    }
}
