import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

@Suite(.serialized) struct CLITests {
    @Test func startStatusStopAndExitCodes() throws {
        let home = try TestPaths.makeTempDir(prefix: "afl")
        defer {
            _ = try? runCLI(["daemon", "stop"], home: home)
            try? FileManager.default.removeItem(atPath: home)
        }
        // Not running: daemon status says so with exit 3, without starting anything.
        let down = try runCLI(["daemon", "status"], home: home)
        #expect(down.status == 3)
        #expect(down.stderr.contains("artfactory daemon start"))
        let downJSON = try runCLI(["daemon", "status", "--json"], home: home)
        #expect(downJSON.status == 3)
        #expect(try JSONParser().parse(downJSON.stdout)["running"] == false)

        // Other commands start it and say so on stderr.
        let auto = try runCLI(["status"], home: home)
        #expect(auto.status == 0)
        #expect(auto.stderr.contains("started the daemon"))
        #expect(auto.stdout.contains("running"))

        let again = try runCLI(["daemon", "start", "--json"], home: home)
        #expect(again.status == 0)
        #expect(try JSONParser().parse(again.stdout)["alreadyRunning"] == true)

        let status = try runCLI(["status", "--json"], home: home)
        let s = try JSONParser().parse(status.stdout)
        #expect(s["home"] == .string(home))
        #expect(s["running"] == true)

        // A failure reported by the daemon: exit 1 with its message.
        let bad = try runCLI(["rpc", "daemon.status", #"{"nope":1}"#], home: home)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("unknown field"))

        // Usage errors: exit 2.
        #expect(try runCLI(["daemon", "logs", "--lines", "-5"], home: home).status == 2)
        #expect(try runCLI(["no-such-command"], home: home).status == 2)
        #expect(try runCLI(["rpc", "daemon.status", "{not json"], home: home).status == 2)

        // The log sink writes in batches (every 200 ms), so give the request line a moment to land.
        var logs = try runCLI(["daemon", "logs", "-n", "5"], home: home)
        let deadline = Date().addingTimeInterval(5)
        while logs.status == 0, !logs.stdout.contains("daemon.status"), Date() < deadline {
            usleep(200_000)
            logs = try runCLI(["daemon", "logs", "-n", "5"], home: home)
        }
        #expect(logs.status == 0)
        #expect(logs.stdout.contains("daemon.status"))

        let stop = try runCLI(["daemon", "stop"], home: home)
        #expect(stop.status == 0)
        #expect(stop.stdout.contains("Stopped"))
        let unreachable = try runCLI(["status"], home: home, environment: ["ARTFACTORY_NO_AUTOSTART": "1"])
        #expect(unreachable.status == 3)
    }

    @Test func helpCompletionsAndManPage() throws {
        let home = try TestPaths.makeTempDir(prefix: "afm")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let help = try runCLI(["--help"], home: home)
        #expect(help.status == 0)
        for word in ["daemon", "status", "rpc", "Exit codes"] { #expect(help.stdout.contains(word)) }
        let sub = try runCLI(["status", "--help"], home: home)
        for word in ["--socket", "--json", "--quiet"] { #expect(sub.stdout.contains(word)) }
        #expect(!help.stdout.contains("manual"), "the man-page generator is hidden from help")
        for shell in ["bash", "zsh", "fish"] {
            let c = try runCLI(["--generate-completion-script", shell], home: home)
            #expect(c.status == 0)
            #expect(c.stdout.contains("artfactory"))
        }
        let man = try runCLI(["manual"], home: home)
        #expect(man.status == 0)
        #expect(man.stdout.hasPrefix(".TH ARTFACTORY 1"))
        #expect(man.stdout.contains(".SS daemon start"))
        #expect(man.stdout.contains("EXIT STATUS"))
    }
}
