import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory reference ...`: reference images analysed into prompt attributes.
struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Analyse reference images (palette, brightness/contrast/saturation, composition) into weighted prompt terms.",
        subcommands: [ReferenceAnalyzeCommand.self])
}

/// `artfactory reference analyze IMG|PATH... [--generate PROMPT [--accept ATTRS] [--as-source]]`.
struct ReferenceAnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show a reference's attributes; with --generate, queue a generation using the accepted ones.",
        discussion: """
        artfactory reference analyze img_…  ~/refs/mood.jpg
        artfactory reference analyze ~/refs/mood.jpg --generate "a lighthouse" --accept palette,brightness --as-source --strength 0.6
        Accepted attributes (palette, brightness, contrast, saturation, composition, symmetry; default all) become weighted
        prompt terms appended to the prompt; --as-source also uses the (first) reference as the image-to-image source.
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Gallery image ids or image files (up to 5).") var references: [String]
    @Option(help: "Palette size (1-8).") var colors: Int = 5
    @Option(help: "Queue a generation with this prompt plus the accepted terms.") var generate: String?
    @Option(help: "Attributes to accept, comma-separated (default all).") var accept: String?
    @Flag(help: "Use the first reference as the image-to-image source.") var asSource = false
    @Option(help: "Image-to-image strength (0-1) with --as-source.") var strength: Double?
    @Option(help: "Model for --generate.") var model: String?

    func validate() throws {
        guard (1...5).contains(references.count) else { throw ValidationError("Give 1 to 5 references.") }
        guard (1...8).contains(colors) else { throw ValidationError("--colors must be 1 to 8.") }
        if generate == nil && (accept != nil || asSource || strength != nil) { throw ValidationError("--accept, --as-source and --strength go with --generate.") }
    }

    func run() throws {
        let c = try global.connect()
        let ids = references.filter { $0.hasPrefix("img_") }
        let paths = references.filter { !$0.hasPrefix("img_") }.map(GalleryCommand.absolute)
        let r = try c.call(ReferenceAnalyze.self, .init(ids: ids.isEmpty ? nil : ids, paths: paths.isEmpty ? nil : paths, colors: colors))
        if let prompt = generate {
            let accepted = accept.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
            var seen = Set<String>()
            let terms = r.references.flatMap(\.terms).filter { accepted?.contains($0.attribute) ?? true }.filter { seen.insert($0.term).inserted }
            var params = Generate.Params(prompt: ([prompt] + terms.map(\.rendered)).joined(separator: ", "))
            params.model = model
            if asSource, let first = r.references.first {
                params.source = first.source
                params.strength = strength
            }
            let queued = try c.call(Generate.self, params)
            if global.json { return try GalleryCommand.printJSON(queued) }
            Console.out("queued \(queued.jobId) with prompt: \(params.prompt ?? "")")
            return
        }
        if global.json { return try GalleryCommand.printJSON(r) }
        for (i, ref) in r.references.enumerated() {
            if i > 0 { Console.out("") }
            Console.out("\(ref.input)  \(ref.width)x\(ref.height)  \(ref.composition.aspect)")
            Console.table(["COLOR", "NAME", "SHARE", "CONF"], ref.palette.map {
                [$0.hex, $0.name, AnalyticsCommand.percent($0.share), String(format: "%.2f", $0.confidence)]
            })
            for (name, m) in [("brightness", ref.brightness), ("contrast", ref.contrast), ("saturation", ref.saturation), ("symmetry", ref.composition.symmetry)] {
                Console.out("\(name): \(m.label) (" + String(format: "%.2f, confidence %.2f", m.value, m.confidence) + ")")
            }
            Console.out("subject: \(ref.composition.position) at " + String(format: "(%.2f, %.2f), confidence %.2f", ref.composition.subjectX,
                                                                                 ref.composition.subjectY, ref.composition.positionConfidence))
            Console.out("terms: " + ref.terms.map(\.rendered).joined(separator: ", "))
        }
    }
}
