import ArgumentParser
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation

/// Settings shared by every image of a coordinated set, as `generate` names them.
struct SetBaseOptions: ParsableArguments {
    @Option(help: "Model name.") var model: String?
    @Option(help: "Width in pixels.") var width: Int?
    @Option(help: "Height in pixels.") var height: Int?
    @Option(help: "Denoising steps.") var steps: Int?
    @Option(help: "Quality preset: draft, standard, high or ultra.") var preset: String?
    @Option(help: "Seed (shared by the pieces, or of the first one with --sequential-seeds).") var seed: Int64?
    @Option(help: "Project id for every image.") var project: String?

    var params: Generate.Params {
        var p = Generate.Params()
        p.model = model
        p.width = width
        p.height = height
        p.steps = steps
        p.preset = preset
        p.seed = seed
        p.project = project
        return p
    }
}

/// `artfactory collection generate PROMPT --name NAME --pieces N --subject … --palette … --style …`:
/// the `collection` strategy of batch.submit with flags instead of JSON.
struct CollectionGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a coordinated set of 4, 6, 8 or 12 pieces into a new collection, with a contact sheet.",
        discussion: """
        Every piece shares the palette and style terms and the seed; each gets its own subject, filled into
        the prompt's {subject} or put in front of it. Example:
          artfactory collection generate "a {subject} in the forest" --name "Forest set" \\
            --subject fox --subject owl --subject bear --subject hare --palette teal --style "flat vector" --wait
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The prompt; {subject} marks where each piece's subject goes.") var prompt: String
    @Option(help: "Name of the collection to create (must not exist yet).") var name: String
    @Option(help: "Pieces: 4, 6, 8 or 12 (default: one per --subject).") var pieces: Int?
    @Option(name: .customLong("subject"), help: "A piece's subject (repeatable, one per piece).") var subjects: [String] = []
    @Option(help: "A shared palette term, e.g. teal (repeatable).") var palette: [String] = []
    @Option(help: "A shared style term, e.g. \"flat vector\" (repeatable).") var style: [String] = []
    @Flag(help: "Give piece i the seed + i instead of one shared seed.") var sequentialSeeds = false
    @OptionGroup var base: SetBaseOptions
    @Flag(help: "Wait for the set to finish and print the ZIP and contact sheet paths.") var wait = false

    func run() throws {
        let set = BatchSet(collection: name, pieces: pieces, subjects: subjects.isEmpty ? nil : subjects,
                           palette: palette.isEmpty ? nil : palette, style: style.isEmpty ? nil : style,
                           seedStrategy: sequentialSeeds ? "sequential" : nil)
        let params = BatchSubmit.Params(prompt: prompt, strategy: "collection", base: base.params, set: set)
        try BatchCommand.submit(params, client: try global.connect(), wait: wait, global: global)
    }
}

/// `artfactory campaign PROMPT --name NAME [--hero img_…] [--variants N]`: the `campaign` strategy.
struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Generate a hero image and 5-8 detail, angle and mood variants into a new collection, with a contact sheet.",
        discussion: """
        With --hero (an existing image id) the variants are image-to-image from it (--strength, default 0.6)
        and the hero joins the collection; without, the hero is generated first and the variants share its seed.
          artfactory campaign "a fox mascot" --name "Fox launch" --variants 6 --wait
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's prompt.") var prompt: String
    @Option(help: "Name of the collection to create (must not exist yet).") var name: String
    @Option(help: "An existing image to use as the hero.") var hero: String?
    @Option(help: "Supporting images, 5-8 (default 6).") var variants: Int?
    @Option(help: "With --hero: image-to-image strength of the variants (0-1, default 0.6).") var strength: Double?
    @Option(help: "A shared palette term (repeatable).") var palette: [String] = []
    @Option(help: "A shared style term (repeatable).") var style: [String] = []
    @OptionGroup var base: SetBaseOptions
    @Flag(help: "Wait for the campaign to finish and print the ZIP and contact sheet paths.") var wait = false

    func run() throws {
        var shared = base.params
        shared.strength = strength
        let set = BatchSet(collection: name, palette: palette.isEmpty ? nil : palette, style: style.isEmpty ? nil : style,
                           hero: hero, variants: variants)
        let params = BatchSubmit.Params(prompt: prompt, strategy: "campaign", base: shared, set: set)
        try BatchCommand.submit(params, client: try global.connect(), wait: wait, global: global)
    }
}
