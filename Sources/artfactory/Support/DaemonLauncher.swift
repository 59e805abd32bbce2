import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc

/// Starts `artfactoryd` detached from the terminal (its own session, stdio on /dev/null except a
/// start-up error file) and waits until its socket answers `daemon.status`.
struct DaemonLauncher {
    let options: GlobalOptions
    /// How long to wait for the first answer.
    var timeoutSeconds: Double = 30

    /// The daemon executable: `$ARTFACTORY_DAEMON`, else next to this executable, else on PATH.
    static func daemonExecutable() throws -> String {
        let env = ProcessInfo.processInfo.environment
        if let p = env["ARTFACTORY_DAEMON"], !p.isEmpty { return p }
        if let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = (me as NSString).deletingLastPathComponent + "/artfactoryd"
            if access(sibling, X_OK) == 0 { return sibling }
        }
        for dir in (env["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/artfactoryd"
            if access(p, X_OK) == 0 { return p }
        }
        throw CLIFailure.failed("cannot find the artfactoryd executable next to artfactory or on PATH; set ARTFACTORY_DAEMON to its path")
    }

    /// Starts the daemon and returns its pid once it answers.
    func start() throws -> Int32 {
        let exe = try Self.daemonExecutable()
        var errTemplate = Array("/tmp/artfactoryd-start-XXXXXX".utf8CString)
        let errFD = mkstemp(&errTemplate)
        guard errFD >= 0 else { throw CLIFailure.failed("cannot create a temporary file: \(String(cString: strerror(errno)))") }
        let errPath = errTemplate.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(errFD); unlink(errPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, errFD, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // POSIX_SPAWN_SETSID (glibc hides the name behind _GNU_SOURCE): a new session, no controlling terminal.
        posix_spawnattr_setflags(&attr, Int16(0x80))

        var env = ProcessInfo.processInfo.environment
        if options.socket == nil {
            // Make the daemon resolve the same home as we did.
            env["ARTFACTORY_HOME"] = env["ARTFACTORY_HOME"].map { _ in options.locations.home }
        }
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        let argv = [strdup(exe), strdup("--detached"), nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, &attr, argv, envp)
        guard rc == 0 else { throw CLIFailure.failed("cannot start \(exe): \(String(cString: strerror(rc)))") }

        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if let client = try? RPCClient(socketPath: options.socketPath, timeout: 5),
               let status = try? client.call(DaemonStatus.self, NoParams()) {
                return status.pid
            }
            var st: Int32 = 0
            if waitpid(pid, &st, WNOHANG) == pid {
                let why = (try? String(contentsOfFile: errPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                throw CLIFailure.failed("the daemon exited during start-up" + (why.isEmpty ? "" : ": \(why)"))
            }
            usleep(10_000)
        }
        throw CLIFailure.unreachable("the daemon (pid \(pid)) did not answer within \(Int(timeoutSeconds)) s; see artfactory daemon logs")
    }
}
