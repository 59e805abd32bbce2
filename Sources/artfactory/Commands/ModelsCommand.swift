import ArgumentParser
import ArtFactoryProtocol

/// `artfactory models list`.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models in $ARTFACTORY_HOME/models/.",
        subcommands: [List.self],
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
}
