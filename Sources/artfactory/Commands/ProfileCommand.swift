import ArgumentParser
import ArtFactoryProtocol

/// `artfactory profile list|save|delete`.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profile", abstract: "Style profiles (named weighted terms).",
                                                    subcommands: [List.self, Save.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List style profiles.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let r = try global.connect().call(ProfileList.self, NoParams())
            if global.json { return try GalleryCommand.printJSON(r) }
            Console.table(["ID", "NAME", "ON", "TERMS", "SLIDERS"], r.profiles.map { p in
                [p.id, p.name, p.enabled ? "yes" : "no", p.terms.map { "\($0.term):\($0.weight)" }.joined(separator: ", "),
                 p.sliders.keys.sorted().map { name in
                     let term = p.sliderTerms[name].map { $0 == name ? "" : " (\($0))" } ?? ""
                     return "\(name)=\(Self.position(p.sliders[name] ?? 0))\(term)"
                 }.joined(separator: ", ")]
            })
        }

        static func position(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(value)
        }
    }

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a profile; terms as TERM or TERM:WEIGHT (--id updates).",
            discussion: """
                Sliders: --slider NAME=POSITION[:TERM], POSITION 0-100. Each adds TERM (default: NAME with - and _ as \
                spaces) weighted 0.5 at 1 to 1.5 at 100, and nothing at 0; `generate --slider NAME=P` overrides it per \
                request and explore's slider:NAME dimension tries positions. Example:
                  artfactory profile save Brand 'teal palette:1.2' --slider 'warmth=70:warm golden light' --slider film-grain=30
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Profile id to update.") var id: String?
        @Option(name: .customLong("slider"), help: ArgumentHelp("A slider, NAME=POSITION[:TERM] with POSITION 0-100 (repeatable; on an update, replaces all sliders).", valueName: "name=position[:term]"))
        var sliders: [String] = []
        @Flag(help: "Save it disabled.") var disabled = false
        @Argument(help: "Name.") var name: String
        @Argument(help: "Terms, e.g. 'film grain:1.2'.") var terms: [String]
        func run() throws {
            let parsed = try terms.map { raw -> ProfileInfo.Term in
                guard let colon = raw.lastIndex(of: ":"), let weight = Double(raw[raw.index(after: colon)...]) else {
                    return ProfileInfo.Term(term: raw, weight: 1)
                }
                guard weight.isFinite else { throw CLIFailure.usage("The weight in '\(raw)' must be a number.") }
                return ProfileInfo.Term(term: String(raw[..<colon]), weight: weight)
            }
            var positions: [String: Double] = [:]
            var sliderTerms: [String: String] = [:]
            for raw in sliders {
                guard let eq = raw.firstIndex(of: "="), eq != raw.startIndex else {
                    throw CLIFailure.usage("--slider takes NAME=POSITION[:TERM] (got '\(raw)').")
                }
                let name = String(raw[..<eq])
                let rest = raw[raw.index(after: eq)...]
                let positionText = rest.firstIndex(of: ":").map { rest[..<$0] } ?? rest
                guard let position = Double(positionText), position.isFinite, (0...100).contains(position) else {
                    throw CLIFailure.usage("The position in '\(raw)' must be a number from 0 to 100.")
                }
                positions[name] = position
                if let colon = rest.firstIndex(of: ":") { sliderTerms[name] = String(rest[rest.index(after: colon)...]) }
            }
            let p = try global.connect().call(ProfileSave.self, .init(id: id, name: name, terms: parsed,
                                                                      sliders: sliders.isEmpty ? nil : positions,
                                                                      sliderTerms: sliders.isEmpty ? nil : sliderTerms, enabled: !disabled))
            if global.json { return try GalleryCommand.printJSON(p) }
            Console.out(p.id)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a style profile.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Profile id.") var id: String
        func run() throws {
            let r = try global.connect().call(ProfileDelete.self, .init(id: id))
            if global.json { return try GalleryCommand.printJSON(r) }
            if !global.quiet { Console.out("deleted \(r.deleted)") }
        }
    }
}
