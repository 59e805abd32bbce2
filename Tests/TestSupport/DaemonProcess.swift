import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc

/// A real `artfactoryd` process in its own temporary home, for tests that go through the socket.
///
/// Spawned with posix_spawn and reaped with waitpid: Foundation's `Process` reaps children on a
/// background queue, and with several daemons per test run that queue was seen to stall.
public final class DaemonProcess: @unchecked Sendable {
    public let home: String
    public let pid: Int32
    public var socketPath: String { home + "/artfactoryd.sock" }
    private let ownsHome: Bool
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts a daemon and waits until it answers `daemon.status`.
    /// - Parameters:
    ///   - home: an existing home to reuse (a restart); a new temporary one when nil.
    ///   - environment: extra variables (e.g. `ARTFACTORY_NO_DEFAULT_MODEL=0`).
    ///   - executable: the product to run: `artfactoryd`, or the test-only `artfactoryd-conformance`
    ///     (the daemon plus the JSON-RPC specification's example methods).
    public static func start(home: String? = nil, environment: [String: String] = [:], timeout: Double = 90,
                             executable: String = "artfactoryd") throws -> DaemonProcess {
        let d = try DaemonProcess(home: home, environment: environment, executable: executable)
        try d.waitUntilReady(timeout: timeout)
        return d
    }

    init(home: String?, environment: [String: String], executable: String = "artfactoryd") throws {
        self.ownsHome = home == nil
        let home = try home ?? TestPaths.makeTempDir(prefix: "afd")
        self.home = home
        var env = ProcessInfo.processInfo.environment
        env["ARTFACTORY_HOME"] = home
        env["OPENBLAS_CORETYPE"] = env["OPENBLAS_CORETYPE"] ?? "Haswell"
        // Daemons under test start without the embedded default model (17 MB copied per home) unless a
        // test asks for it with ARTFACTORY_NO_DEFAULT_MODEL=0.
        env["ARTFACTORY_NO_DEFAULT_MODEL"] = env["ARTFACTORY_NO_DEFAULT_MODEL"] ?? "1"
        for (k, v) in environment { env[k] = v }
        let exe = TestPaths.product(executable)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = [strdup(exe), strdup("--detached"), nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, nil, argv, envp)
        guard rc == 0 else { throw TestFailure("cannot start \(exe): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// Whether the process is still alive (reaps it when it has exited).
    public var isRunning: Bool { pollExit() == nil }

    /// The exit status once the process has ended (128+signal when killed by one).
    public var terminationStatus: Int32? { pollExit() }

    private func pollExit() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var st: Int32 = 0
        let r = waitpid(pid, &st, WNOHANG)
        guard r == pid else { return nil }
        exitStatus = (st & 0x7F) == 0 ? (st >> 8) & 0xFF : 128 + (st & 0x7F)
        return exitStatus
    }

    /// Polls the socket until the daemon answers.
    public func waitUntilReady(timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let c = try? RPCClient(socketPath: socketPath, timeout: 5), (try? c.call("daemon.status")) != nil { return }
            if let status = pollExit() { throw TestFailure("artfactoryd exited during start-up with status \(status)") }
            usleep(10_000)
        }
        throw TestFailure("artfactoryd did not answer within \(timeout) s")
    }

    /// A new client connection.
    public func client(timeout: Double? = 30) throws -> RPCClient { try RPCClient(socketPath: socketPath, timeout: timeout) }

    /// Sends `signal` and waits for the exit; returns the exit status (nil on timeout).
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 20) -> Int32? {
        if let status = pollExit() { return status }
        kill(pid, signal)
        return waitForExit(timeout: timeout)
    }

    /// Waits for the process to end; its exit status, or nil on timeout.
    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = pollExit() { return status }
            usleep(10_000)
        }
        return nil
    }

    deinit {
        if pollExit() == nil {
            kill(pid, SIGKILL)
            _ = waitForExit(timeout: 10)
        }
        if ownsHome { try? FileManager.default.removeItem(atPath: home) }
    }
}

/// A plain test failure with a message.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Locations of built products and temporary directories.
public enum TestPaths {
    /// The build products directory (where the test binary and the executables live).
    public static var productsDir: String {
        if let p = ProcessInfo.processInfo.environment["ARTFACTORY_PRODUCTS"] { return p }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        // Inside a bundle layout (…/X.xctest/…), climb out to the products directory.
        while dir.contains(".xctest") { dir = (dir as NSString).deletingLastPathComponent }
        return dir
    }

    /// Full path of an executable product, e.g. "artfactoryd".
    public static func product(_ name: String) -> String { productsDir + "/" + name }

    /// A new private directory under /tmp (short, so socket paths fit in sun_path).
    public static func makeTempDir(prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        return String(cString: p)
    }
}

/// Runs the `artfactory` CLI and captures its output.
public struct CLIResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

public func runCLI(_ args: [String], home: String, environment: [String: String] = [:], stdin: String? = nil) throws -> CLIResult {
    var env = ProcessInfo.processInfo.environment
    env["ARTFACTORY_HOME"] = home
    env["ARTFACTORY_DAEMON"] = TestPaths.product("artfactoryd")
    env["ARTFACTORY_NO_DEFAULT_MODEL"] = env["ARTFACTORY_NO_DEFAULT_MODEL"] ?? "1"
    for (k, v) in environment { env[k] = v }
    return try runProgram(TestPaths.product("artfactory"), args, environment: env, stdin: stdin)
}

/// Runs a program to completion with posix_spawn, capturing stdout and stderr (read concurrently,
/// so neither pipe can fill up and stall the child).
public func runProgram(_ path: String, _ args: [String], environment: [String: String], stdin: String? = nil) throws -> CLIResult {
    var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0], inPipe: [Int32] = [0, 0]
    for i in 0..<3 {
        var p: [Int32] = [0, 0]
        guard pipe(&p) == 0 else { throw TestFailure("pipe failed") }
        for fd in p { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        if i == 0 { outPipe = p } else if i == 1 { errPipe = p } else { inPipe = p }
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    let argv = ([path] + args).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in argv { free(p) }; for p in envp { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
    close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
    guard rc == 0 else { throw TestFailure("cannot run \(path): \(rc)") }
    if let stdin { _ = Array(stdin.utf8).withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) } }
    close(inPipe[1])
    var out = [UInt8](), err = [UInt8]()
    var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
    var open = 2
    var buf = [UInt8](repeating: 0, count: 65536)
    while open > 0 {
        if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue } else { break } }
        for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
            let n = read(fds[i].fd, &buf, buf.count)
            if n > 0 {
                if i == 0 { out += buf[0..<n] } else { err += buf[0..<n] }
            } else if n == 0 || errno != EINTR {
                close(fds[i].fd)
                fds[i].fd = -1
                open -= 1
            }
        }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return CLIResult(status: code, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
}
