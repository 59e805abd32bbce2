import ArgumentParser
import ArtFactoryProtocol

/// `artfactory models list|load|unload`.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models: local ones in $ARTFACTORY_HOME/models/, remote ones of providers with a key.",
        subcommands: [List.self, Load.self, Unload.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List models (* = default): local ones and the remote models of providers with a key.",
            discussion: "Remote models are named provider:model-id, e.g. fal:fal-ai/fast-sdxl; pass that name to `generate --model`.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let result = try global.connect().call(ModelsList.self, NoParams())
            if global.json { return Console.json(try JSONValueEncoder().encode(result)) }
            if result.models.isEmpty {
                return Console.out("No models. Copy a diffusers folder or a .safetensors file into the models folder, or set a provider key with `artfactory provider set-key fal`.")
            }
            Console.table(["NAME", "PROVIDER", "FORMAT", "CAPABILITIES", "SIZE / COST", "PRECISION", "LOADED"], result.models.map {
                [($0.isDefault ? "* " : "  ") + $0.name, $0.provider, $0.format, $0.capabilities.joined(separator: ","),
                 $0.provider == "local" ? "\($0.bytes / 1_048_576) MiB"
                     : $0.servers.map { "on " + $0.joined(separator: ", ") } ?? String(format: "~$%.4f/img", $0.costPerImage ?? 0),
                 Self.precisionText($0), $0.loaded ? "yes" : ""]
            })
        }

        /// `auto → bf16`, `f32`, or `bf16 (unavailable)` when this CPU cannot run the setting.
        static func precisionText(_ m: ModelsList.Model) -> String {
            guard let setting = m.precision else { return "" }
            guard let path = m.computePath else { return setting + " (unavailable here)" }
            return setting == path ? setting : "\(setting) → \(path)"
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
