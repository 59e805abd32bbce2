import ArgumentParser
import ArtFactoryProtocol

/// `artfactory upscalers list`.
struct UpscalersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscalers",
        abstract: "List the learned upscalers in $ARTFACTORY_HOME/upscalers/ (ESRGAN-family .safetensors / .pth).",
        subcommands: [List.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List upscalers (* = the one High, Ultra and --upscale use).",
            discussion: "Copy or link Real-ESRGAN / ESRGAN files (RRDBNet, SRVGGNetCompact) into the folder. The default is `upscaler` in config.json, else the fastest. Without one, High and Ultra resize with Lanczos.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let result = try global.connect().call(UpscalersList.self, NoParams())
            if global.json { return Console.json(try JSONValueEncoder().encode(result)) }
            if result.upscalers.isEmpty {
                return Console.out("No upscalers. Copy an ESRGAN-family .safetensors or .pth file into \(result.directory); until then High and Ultra resize with Lanczos.")
            }
            Console.table(["NAME", "ARCHITECTURE", "SCALE", "FORMAT", "SIZE", "STATUS"], result.upscalers.map {
                [($0.isDefault ? "* " : "  ") + $0.name, $0.architecture ?? "-", $0.scale.map { "\($0)x" } ?? "-", $0.format,
                 "\($0.bytes / 1_048_576) MiB", $0.error.map { "unusable: \($0)" } ?? "ok"]
            })
        }
    }
}
