import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery fsck [--repair] [--verify-hashes]`.
struct GalleryFsckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck",
        abstract: "Check the gallery files against the catalog (exit 1 when drift is found and not repaired).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Repair what is found.") var repair = false
    @Flag(help: "Re-hash every file (slow).") var verifyHashes = false

    func run() throws {
        let r = try global.connect().call(GalleryFsck.self, .init(repair: repair, verifyHashes: verifyHashes))
        if global.json {
            try GalleryCommand.printJSON(r)
        } else {
            Console.out("checked \(r.checked) image(s): \(r.clean ? "no drift" : "drift found")\(r.repaired && !r.clean ? " (repaired)" : "")")
            for id in r.missingFiles { Console.out("  missing file       \(id)") }
            for id in r.missingThumbnails { Console.out("  missing thumbnail  \(id)") }
            for id in r.wrongHashes { Console.out("  changed file       \(id)") }
            for path in r.orphanFiles { Console.out("  orphan file        \(path)") }
        }
        if !r.clean && !r.repaired { throw CLIFailure(message: "", exitCode: ExitStatus.daemonFailure) }
    }
}
