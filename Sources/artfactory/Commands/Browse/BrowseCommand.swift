import ArgumentParser
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation

/// `artfactory browse`: a full-screen, keyboard-driven gallery in the terminal.
struct BrowseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse",
        abstract: "Browse the gallery full-screen: move, search, favourite, rate, delete, details, generate more.",
        discussion: """
        Keys: ↑/↓ or k/j move · ←/→ or h/l page · / search · f favourite · 1-5 rate (0 clears) · a/r approve/reject \
        · d delete (asks) · Enter details and lineage · g generate more like this · \
        R refresh · ? help · q quit. New images appear as the daemon stores them. Thumbnails show on kitty and \
        iTerm2 terminals; elsewhere the details pane shows the image's text.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: GalleryFilterOptions
    @Option(help: "Start with this search.") var search: String?

    func run() throws {
        let client = try global.connect()
        // A second connection carries the live `gallery` events, so they never interleave with replies.
        let events = try? RPCClient(socketPath: global.socketPath, timeout: 5)
        if let events { _ = try? events.call(EventsSubscribe.self, .init(topics: [EventTopic.gallery])) }
        let screen = try TerminalScreen()
        defer { screen.restore() }
        Browser(client: client, events: events, screen: screen, filter: filters.filter, query: search,
                environment: ProcessInfo.processInfo.environment).run()
    }
}
