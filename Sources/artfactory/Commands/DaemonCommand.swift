import ArgumentParser
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc

/// `artfactory daemon start|stop|status|logs`.
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Start, stop and inspect the ArtFactory daemon.",
        subcommands: [Start.self, Stop.self, Status.self, Logs.self]
    )

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the daemon (detached by default) and wait until it answers.")

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Run in this terminal instead of detaching; logs go to stderr too. Ctrl-C stops it.")
        var foreground = false

        func run() throws {
            if let client = try? RPCClient(socketPath: global.socketPath, timeout: 5),
               let status = try? client.call(DaemonStatus.self, NoParams()) {
                report(status, already: true)
                return
            }
            if foreground {
                let exe = try DaemonLauncher.daemonExecutable()
                let argv = [strdup(exe), strdup("--foreground"), nil]
                execv(exe, argv)
                throw CLIFailure.failed("cannot run \(exe): \(String(cString: strerror(errno)))")
            }
            let launcher = DaemonLauncher(options: global)
            _ = try launcher.start()
            let status = try RPCClient(socketPath: global.socketPath, timeout: 5).call(DaemonStatus.self, NoParams())
            report(status, already: false)
        }

        func report(_ s: DaemonStatus.Result, already: Bool) {
            if global.json {
                Console.json(["running": true, "alreadyRunning": .bool(already), "pid": .int(Int64(s.pid)), "socket": .string(s.socket), "home": .string(s.home)])
            } else if !global.quiet {
                Console.out(already ? "The daemon is already running (pid \(s.pid), socket \(s.socket))."
                                    : "Started the daemon (pid \(s.pid)), listening on \(s.socket).")
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the daemon: running work finishes or is saved to resume on the next start.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Seconds to wait for the daemon to exit.")
        var timeout: Double = 30

        func run() throws {
            guard let client = try? RPCClient(socketPath: global.socketPath, timeout: 10) else {
                if global.json { Console.json(["running": false, "stopped": false]) }
                else if !global.quiet { Console.out("The daemon is not running.") }
                return
            }
            let pid = (try? client.call(DaemonStatus.self, NoParams()))?.pid
            _ = try client.call(DaemonShutdown.self, .init(reason: "artfactory daemon stop"))
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let gone = pid.map { kill($0, 0) != 0 && errno == ESRCH } ?? ((try? RPCClient(socketPath: global.socketPath, timeout: 1)) == nil)
                if gone {
                    if global.json { Console.json(["running": false, "stopped": true]) }
                    else if !global.quiet { Console.out("Stopped the daemon\(pid.map { " (pid \($0))" } ?? "").") }
                    return
                }
                usleep(20_000)
            }
            throw CLIFailure.failed("the daemon did not exit within \(Int(timeout)) s; it may be finishing a job (artfactory daemon logs)")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether the daemon runs, its version, uptime and counters.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try StatusCommand.show(global, autoStart: false)
        }
    }

    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the daemon's log (the last lines, or follow it).")

        @OptionGroup var global: GlobalOptions

        @Option(name: [.customShort("n"), .customLong("lines")], help: "How many lines from the end.")
        var lines: Int = 50

        @Flag(name: [.short, .long], help: "Keep printing new lines as they are written (Ctrl-C to stop).")
        var follow = false

        func validate() throws {
            guard lines >= 0 else { throw ValidationError("--lines must be 0 or more") }
        }

        func run() throws {
            var path = global.locations.logFile
            if global.socket != nil, let client = try? RPCClient(socketPath: global.socketPath, timeout: 5),
               let s = try? client.call(DaemonStatus.self, NoParams()) {
                path = s.home + "/logs/artfactoryd.log"
            }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CLIFailure.failed("no daemon log at \(path) yet; has the daemon been started with this ARTFACTORY_HOME?")
            }
            let data = handle.readDataToEndOfFile()
            let text = String(decoding: data, as: UTF8.self)
            var all = text.split(separator: "\n", omittingEmptySubsequences: false)
            if all.last == "" { all.removeLast() }
            for l in all.suffix(lines) { Console.out(String(l)) }
            guard follow else { return }
            while true {
                let more = handle.readDataToEndOfFile()
                if !more.isEmpty { FileHandle.standardOutput.write(more) }
                usleep(200_000)
            }
        }
    }
}

/// `artfactory status`: the daemon's status, starting it when needed.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's status (starts it if needed).")

    @OptionGroup var global: GlobalOptions

    func run() throws { try Self.show(global, autoStart: true) }

    static func show(_ global: GlobalOptions, autoStart: Bool) throws {
        let client: RPCClient
        do {
            client = try global.connect(autoStart: autoStart)
        } catch let f as CLIFailure where f.exitCode == ExitStatus.unreachable && global.json {
            Console.json(["running": false, "socket": .string(global.socketPath)])
            throw CLIFailure(message: "", exitCode: ExitStatus.unreachable)
        }
        let s = try client.call(DaemonStatus.self, NoParams())
        if global.json {
            var v = try JSONValueEncoder().encode(s)
            if case .object(var o) = v { o["running"] = true; v = .object(o) }
            Console.json(v)
            return
        }
        Console.out("artfactoryd \(s.version) running (pid \(s.pid)), up \(Console.duration(s.uptimeSeconds))")
        Console.out("  home    \(s.home)")
        Console.out("  socket  \(s.socket)")
        let width = max(8, (s.counts.keys.map(\.count).max() ?? 0) + 2)
        for key in s.counts.keys.sorted() { Console.out("  \(key.padding(toLength: width, withPad: " ", startingAt: 0))\(s.counts[key]!)") }
        if let providers = s.providers, !providers.isEmpty {
            Console.out("  providers")
            for name in providers.keys.sorted() {
                Console.out("    \(name.padding(toLength: 10, withPad: " ", startingAt: 0))\(ProviderCommand.reachText(providers[name]!))")
            }
        }
    }
}
