import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory gallery delete ID...`: asks on a terminal unless --yes.
struct GalleryDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete images and their files (asks first on a terminal; --yes skips).")

    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Do not ask for confirmation.") var yes = false
    @Argument(help: "Image ids.") var ids: [String]

    func run() throws {
        if !yes {
            guard isatty(0) == 1 else {
                throw CLIFailure.usage("Refusing to delete without confirmation: stdin is not a terminal. Pass --yes to delete.")
            }
            FileHandle.standardError.write(Data("Delete \(ids.count) image(s) and their files? This cannot be undone. [y/N] ".utf8))
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else { throw CLIFailure(message: "Nothing deleted.", exitCode: ExitStatus.success) }
        }
        let r = try global.connect().call(GalleryDelete.self, .init(ids: ids))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet { Console.out("deleted \(r.deleted.count) image(s), \(r.filesRemoved) file(s)") }
    }
}
