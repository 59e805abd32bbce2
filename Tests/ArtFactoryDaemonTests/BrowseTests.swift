import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// `artfactory browse` driven as a person would: under tmux (send-keys to type, capture-pane to read
/// the screen), against a real daemon, checking the catalog through the socket after each action.
@Suite(.serialized) struct BrowseTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// One tmux server per test (its own socket name), so nothing touches the user's sessions.
    struct Pane {
        let server: String
        func run(_ args: [String]) throws -> CLIResult {
            try runProgram(BrowseTests.tmux!, ["-L", server] + args, environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm-256color"])
        }
        func keys(_ keys: String...) throws { _ = try run(["send-keys", "-t", "b"] + keys) }
        func screen() throws -> String { try run(["capture-pane", "-p", "-t", "b"]).stdout }
        /// Waits (up to 10 s) until the screen satisfies `condition`; returns the last screen.
        @discardableResult
        func waitFor(_ what: String, _ condition: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(10)
            var last = ""
            while Date() < deadline {
                last = try screen()
                if condition(last) { return last }
                usleep(100_000)
            }
            Issue.record("timed out waiting for \(what); the screen was:\n\(last)")
            return last
        }
    }

    @Test(.enabled(if: BrowseTests.tmux != nil, "tmux is not installed (Scripts/test installs it)"))
    func keysMoveSearchFavouriteRateDetailsDeleteAndLiveUpdates() throws {
        let src = try GalleryFixtures.folder("afbr")
        let more = try GalleryFixtures.folder("afbm")
        defer { try? FileManager.default.removeItem(atPath: src); try? FileManager.default.removeItem(atPath: more) }
        try GalleryFixtures.a1111PNG(in: src, name: "zep.png", prompt: "a zeppelin over a harbour", seed: 1)
        try GalleryFixtures.a1111PNG(in: src, name: "owl.png", prompt: "an owl at night", seed: 2)
        try GalleryFixtures.a1111PNG(in: src, name: "fox.png", prompt: "a red fox in deep snow", seed: 3)
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        _ = try c.importImages(.init(paths: [src], tags: ["demo"]))
        let listed = try c.call(GalleryList.self, .init()).items  // the order browse shows
        let ids = listed.map(\.id)
        #expect(ids.count == 3)
        let firstPrompt = try #require(listed.first?.prompt)
        let firstSeed = try #require(listed.first?.seed)

        let pane = Pane(server: "afbrowse-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let command = "env ARTFACTORY_HOME='\(daemon.home)' ARTFACTORY_NO_AUTOSTART=1 '\(TestPaths.product("artfactory"))' browse --socket '\(daemon.socketPath)'"
        _ = try pane.run(["new-session", "-d", "-s", "b", "-x", "110", "-y", "26", command])
        defer { _ = try? pane.run(["kill-server"]) }

        // The list shows every image with its prompt, the first selected; the pane shows its details.
        var screen = try pane.waitFor("the list") { $0.contains("all images · 3") }
        #expect(screen.contains("> ·····") && screen.contains(ids[0]))
        #expect(screen.contains("a zeppelin over a harbour") && screen.contains("an owl at night"))
        #expect(screen.contains("seed \(firstSeed)") && screen.contains("tags: demo"), "details of the selected image:\n\(screen)")

        // j moves down; f favourites and 4 rates the selected image (checked in the catalog).
        try pane.keys("j")
        try pane.keys("f")
        try pane.keys("4")
        screen = try pane.waitFor("the rating") { $0.contains("★★★★· ♥ \(ids[1])") }
        let second = try c.call(GalleryGet.self, .init(id: ids[1])).image
        #expect(second.favorite && second.rating == 4)
        // a approves, r rejects (the history keeps both; the latest counts).
        try pane.keys("a")
        try pane.waitFor("the approval") { $0.contains("approved \(ids[1])") }
        try pane.keys("r")
        try pane.waitFor("the rejection") { $0.contains("rejected \(ids[1])") }
        let reviews = try c.call(GalleryReviews.self, .init(id: ids[1]))
        #expect(reviews.verdict == .reject && Set(reviews.reviews.map(\.verdict)) == [.approve, .reject], "\(reviews)")

        // / searches; the matched word is bracketed; Esc clears the search.
        try pane.keys("/", "z", "e", "p", "p", "Enter")
        screen = try pane.waitFor("the search") { $0.contains("search \"zepp*\" · 1") }
        #expect(screen.contains("a [zeppelin] over a harbour"), "\(screen)")
        try pane.keys("Escape")
        try pane.waitFor("the whole list again") { $0.contains("all images · 3") }

        // Enter opens details with the parameters and lineage; Esc returns.
        try pane.keys("Home", "Enter")
        screen = try pane.waitFor("the details page") { $0.contains("lineage:") }
        #expect(screen.contains("prompt: \(firstPrompt)") && screen.contains("steps=20"), "\(screen)")
        try pane.keys("Escape")
        try pane.waitFor("the list after details") { $0.contains("j/k move") }

        // d asks first: n keeps the image, y deletes it (file and row).
        try pane.keys("d")
        try pane.waitFor("the delete question") { $0.contains("Delete \(ids[0])") }
        try pane.keys("n")
        try pane.waitFor("delete canceled") { $0.contains("delete canceled") }
        #expect(try c.call(GalleryList.self, .init()).items.count == 3)
        try pane.keys("d")
        try pane.waitFor("the delete question again") { $0.contains("Delete \(ids[0])") }
        try pane.keys("y")
        screen = try pane.waitFor("the delete") { $0.contains("all images · 2") }
        #expect(try c.call(GalleryList.self, .init()).items.map(\.id) == Array(ids.dropFirst()))

        // Images stored meanwhile appear without a key press (the daemon's gallery events).
        try GalleryFixtures.a1111PNG(in: more, name: "kite.png", prompt: "a kite above the dunes", seed: 9)
        _ = try c.importImages(.init(paths: [more]))
        screen = try pane.waitFor("the live update") { $0.contains("a kite above the dunes") }
        #expect(screen.contains("all images · 3"))

        // q leaves the alternate screen and exits 0.
        try pane.keys("q")
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, (try? pane.run(["has-session", "-t", "b"]))?.status == 0 { usleep(100_000) }
        #expect(try pane.run(["has-session", "-t", "b"]).status != 0, "browse exited on q")
        _ = daemon.stop()
    }

    @Test func browseWithoutATerminalSaysWhatToUseInstead() throws {
        let daemon = try DaemonProcess.start()
        let r = try runCLI(["browse", "--socket", daemon.socketPath], home: daemon.home)
        #expect(r.status == 2 && r.stderr.contains("needs a terminal") && r.stderr.contains("gallery list --json"), "\(r.stderr)")
        _ = daemon.stop()
    }
}
