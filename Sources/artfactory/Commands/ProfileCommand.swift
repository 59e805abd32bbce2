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
            Console.table(["ID", "NAME", "ON", "TERMS"], r.profiles.map { p in
                [p.id, p.name, p.enabled ? "yes" : "no", p.terms.map { "\($0.term):\($0.weight)" }.joined(separator: ", ")]
            })
        }
    }

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save a profile; terms as TERM or TERM:WEIGHT (--id updates).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Profile id to update.") var id: String?
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
            let p = try global.connect().call(ProfileSave.self, .init(id: id, name: name, terms: parsed, enabled: !disabled))
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
