import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery pin ID...`: keep images from retention.
struct GalleryPinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin", abstract: "Pin images so retention never removes them (their whole generation is kept).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Image ids.") var ids: [String]

    func run() throws { try GalleryPinCommand.set(ids, pinned: true, global: global) }

    static func set(_ ids: [String], pinned: Bool, global: GlobalOptions) throws {
        let r = try global.connect().call(GalleryPin.self, .init(ids: ids, pinned: pinned))
        if global.json { return try GalleryCommand.printJSON(r) }
        if !global.quiet { Console.out("\(pinned ? "pinned" : "unpinned") \(r.updated) image(s)") }
    }
}

/// `artfactory gallery unpin ID...`: let retention remove images again.
struct GalleryUnpinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpin", abstract: "Unpin images (retention may remove them once old, unless favorite or in a collection).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Image ids.") var ids: [String]

    func run() throws { try GalleryPinCommand.set(ids, pinned: false, global: global) }
}
