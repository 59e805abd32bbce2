import ArgumentParser
import ArtFactoryProtocol

/// `artfactory loras list`.
struct LorasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loras",
        abstract: "List the LoRA files in $ARTFACTORY_HOME/loras/ (use them with <lora:name:weight>, generate --lora or a project's brand LoRA).",
        subcommands: [List.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List LoRAs: format, base model, rank, layers touched, trigger words.",
            discussion: "Copy or link .safetensors LoRA files (kohya/A1111, diffusers/PEFT, LoCon, LoHa, LoKr) into the folder shown.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let result = try global.connect().call(LorasList.self, NoParams())
            if global.json { return Console.json(try JSONValueEncoder().encode(result)) }
            if result.loras.isEmpty {
                return Console.out("No LoRAs. Copy or link .safetensors LoRA files into \(result.folder).")
            }
            Console.table(["NAME", "FORMAT", "BASE", "RANK", "LAYERS", "SIZE", "TRIGGER WORDS"], result.loras.map { l in
                if let error = l.error { return [l.name, "unreadable", "", "", "", Self.size(l.bytes), error] }
                let layers = (l.modules ?? [:]).sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                return [l.name, l.format ?? "", l.baseModel ?? "", l.rank.map(String.init) ?? "full", layers, Self.size(l.bytes),
                        (l.triggerWords ?? []).prefix(5).joined(separator: ", ")]
            })
        }

        static func size(_ bytes: Int64) -> String {
            bytes >= 1_048_576 ? "\(bytes / 1_048_576) MiB" : "\(max(1, bytes / 1024)) KiB"
        }
    }
}
