import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// systemd-style socket activation: the daemon adopts a listening socket passed as fd 3 with
/// LISTEN_FDS=1 instead of binding its own.
@Suite(.serialized) struct SocketActivationTests {
    @Test func daemonServesAnInheritedListeningSocket() throws {
        let home = try TestPaths.makeTempDir(prefix: "afa")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let path = home + "/activated.sock"
        // Bind and listen as a supervisor would.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(fd, 16) == 0)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fd, 3)
        let exe = TestPaths.product("artfactoryd")
        let argv = [strdup(exe), strdup("--detached"), nil]
        let vars: [String] = ["ARTFACTORY_HOME=\(home)", "LISTEN_FDS=1", "OPENBLAS_CORETYPE=Haswell", "PATH=/usr/bin:/bin"]
        let envp = vars.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, exe, &actions, nil, argv, envp) == 0)
        close(fd)
        defer {
            kill(pid, SIGTERM)
            var st: Int32 = 0
            waitpid(pid, &st, 0)
        }

        var status: JSONValue?
        for _ in 0..<500 where status == nil {
            status = try? RPCClient(socketPath: path, timeout: 5).call("daemon.status")
            if status == nil { usleep(10_000) }
        }
        #expect(status?["pid"]?.intValue == Int64(pid))
        // It did not bind the default socket of its home: the inherited one is its only listener.
        #expect(access(home + "/artfactoryd.sock", F_OK) != 0)
    }
}
