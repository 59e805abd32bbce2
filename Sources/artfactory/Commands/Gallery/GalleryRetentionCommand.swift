import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory gallery retention [--older-than 90d] [--dry-run] [--yes]`: remove old history.
struct GalleryRetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Remove generations older than an age with their files, keeping favorites, pinned images and collections.",
        discussion: """
        Default age: the gallery.retentionDays setting, else 90 days. --dry-run lists what would go (images, \
        generations, files and bytes) and changes nothing. A real run first counts what would go and asks on a \
        terminal; without one it refuses unless --yes. The daemon also runs retention once a day.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("older-than"), help: "Age limit: days as 90d or 90, or weeks as 12w.") var olderThan: String?
    @Flag(help: "Only list what would be removed.") var dryRun = false
    @Flag(name: [.short, .long], help: "Do not ask for confirmation.") var yes = false

    /// Days in `90d`, `90` or `12w`.
    static func days(_ text: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var digits = Substring(trimmed), factor = 1
        if trimmed.hasSuffix("d") { digits = digits.dropLast() } else if trimmed.hasSuffix("w") { digits = digits.dropLast(); factor = 7 }
        guard let n = Int(digits), n >= 0, n <= 36_500 / factor else {
            throw CLIFailure.usage("--older-than takes days (90d or 90) or weeks (12w) up to 100 years; got '\(text)'.")
        }
        return n * factor
    }

    func run() throws {
        let days = try olderThan.map(Self.days)
        let client = try global.connect()
        let preview = try client.call(GalleryRetention.self, .init(olderThanDays: days, dryRun: true))
        if dryRun || preview.imageIds.isEmpty { return try report(preview) }
        if !yes {
            guard isatty(0) == 1 else {
                throw CLIFailure.usage("Refusing to remove \(preview.imageIds.count) image(s) without confirmation: stdin is not a terminal. "
                    + "Pass --yes to remove them, or --dry-run to list them.")
            }
            FileHandle.standardError.write(Data(("Remove \(preview.imageIds.count) image(s) of \(preview.generationIds.count) generation(s) "
                + "created before \(Self.date(preview.cutoff)), \(Self.size(preview.bytes))? This cannot be undone. [y/N] ").utf8))
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else { throw CLIFailure(message: "Nothing removed.", exitCode: ExitStatus.success) }
        }
        try report(try client.call(GalleryRetention.self, .init(olderThanDays: days, dryRun: false)))
    }

    private func report(_ r: GalleryRetention.Result) throws {
        if global.json { return try GalleryCommand.printJSON(r) }
        if global.quiet { return }
        if r.dryRun {
            for id in r.imageIds { Console.out(id) }
        }
        let verb = r.dryRun ? "would remove" : "removed"
        Console.out("\(verb) \(r.imageIds.count) image(s) of \(r.generationIds.count) generation(s), \(r.files) file(s), "
            + "\(Self.size(r.bytes)); cutoff \(Self.date(r.cutoff))")
    }

    static func size(_ bytes: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }

    static func date(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
