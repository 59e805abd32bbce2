import ArgumentParser
import ArtFactoryProtocol

/// `artfactory preset list`: presets with estimated times on this machine.
struct PresetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preset",
        abstract: "Show the quality presets and how long each takes here.",
        subcommands: [List.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List presets with estimated times (measured step times).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Model name.") var model: String?
        @Option(help: "Width in pixels.") var width: Int?
        @Option(help: "Height in pixels.") var height: Int?
        @Option(help: "Images per generation.") var count: Int?

        func run() throws {
            let r = try global.connect().call(PresetList.self, .init(model: model, width: width, height: height, count: count))
            PresetCommand.print(r, global)
        }
    }

    static func print(_ r: PresetList.Result, _ global: GlobalOptions) {
        if global.json { return Console.json((try? JSONValueEncoder().encode(r)) ?? .null) }
        Console.out("\(r.model), \(r.width)x\(r.height), \(r.count) image(s):")
        Console.table(["PRESET", "STEPS", "UPSCALE", "REFINE", "ESTIMATE"], r.presets.map { p in
            let refine = p.refineSteps.map { steps in
                let tiles = p.refineTiles.map { "in \($0) tiles of \(p.refineTileWidth ?? 0)x\(p.refineTileHeight ?? 0) " } ?? ""
                return "\(steps) steps \(tiles)at \(p.refineWidth ?? 0)x\(p.refineHeight ?? 0), strength \(p.refineStrength.map { String($0) } ?? "?")"
            } ?? "-"
            let upscale = p.upscale > 1 ? "\(p.upscale)x \(p.upscaler ?? "lanczos")" : "\(p.upscale)x"
            return [p.name, "\(p.steps)", upscale, refine, p.estimatedSeconds.map(Console.duration) ?? "unknown (run the model once)"]
        })
    }
}
