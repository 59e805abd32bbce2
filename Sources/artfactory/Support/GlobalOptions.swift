import ArgumentParser
import ArtFactoryIPC
import Foundation

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path of the daemon's socket (default: from ARTFACTORY_HOME or XDG).", valueName: "path"))
    var socket: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false

    @Flag(name: [.short, .long], help: "Print nothing but errors (and requested data).")
    var quiet = false

    /// The default locations from this process's environment.
    var locations: DefaultLocations {
        DefaultLocations.resolve(environment: ProcessInfo.processInfo.environment, cwd: FileManager.default.currentDirectoryPath)
    }

    /// The socket to use: `--socket` or the default.
    var socketPath: String { socket ?? locations.socket }

    /// Whether a missing daemon may be started for the user (only for the default socket).
    var mayAutoStart: Bool { socket == nil && ProcessInfo.processInfo.environment["ARTFACTORY_NO_AUTOSTART"] != "1" }

    /// Connects to the daemon, starting it first when allowed. Says so on stderr when it starts one.
    func connect(autoStart: Bool = true) throws -> RPCClient {
        do {
            return try RPCClient(socketPath: socketPath, timeout: nil)
        } catch let e as IPCError where e.code == .daemonNotRunning {
            guard autoStart, mayAutoStart else {
                throw CLIFailure.unreachable("The ArtFactory daemon is not running (no one listens on \(socketPath)). Start it with: artfactory daemon start")
            }
            let pid = try DaemonLauncher(options: self).start()
            if !quiet { Console.error("started the daemon (pid \(pid)); stop it with: artfactory daemon stop") }
            return try RPCClient(socketPath: socketPath, timeout: nil)
        } catch let e as IPCError {
            throw CLIFailure.unreachable("Cannot reach the ArtFactory daemon at \(socketPath): \(e.message)")
        }
    }
}
