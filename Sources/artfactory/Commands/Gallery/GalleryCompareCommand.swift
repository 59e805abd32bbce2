import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery compare ID ID...`: parameter differences.
struct GalleryCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "Show which parameters differ between images.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Two or more image ids.") var ids: [String]

    func run() throws {
        guard ids.count >= 2 else { throw CLIFailure.usage("Give at least two image ids to compare.") }
        let r = try global.connect().call(GalleryCompare.self, .init(ids: ids))
        if global.json { return try GalleryCommand.printJSON(r) }
        Console.table(["PARAMETER"] + ids, r.differences.map { d in [d.key] + d.values.map { JSONWriter.string($0) } })
        if !global.quiet, let common = r.common.objectValue, !common.members.isEmpty {
            Console.out("same in all: " + common.members.map { "\($0.key)=\(JSONWriter.string($0.value))" }.joined(separator: ", "))
        }
    }
}
