import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

@Suite(.serialized) struct SecurityTests {
    func mode(_ path: String) -> mode_t {
        var st = stat()
        lstat(path, &st)
        return st.st_mode & 0o777
    }

    @Test func socketDirectoryAndFilesArePrivate() throws {
        let daemon = try DaemonProcess.start()
        #expect(mode(daemon.socketPath) == 0o600)
        #expect(mode(daemon.home) == 0o700)
        for dir in ["logs", "gallery", "thumbnails", "models"] { #expect(mode(daemon.home + "/" + dir) == 0o700) }
        #expect(mode(daemon.home + "/logs/artfactoryd.log") == 0o600)
        #expect(mode(daemon.home + "/artfactoryd.lock") == 0o600)
    }

    @Test(.enabled(if: getuid() == 0, "needs root, to connect as another uid"))
    func peerOfAnotherUIDIsRefusedByTheRealDaemon() throws {
        // As root we can be another user: a child drops to uid 65534 and connects. The socket
        // directory is 0700, so we hand the child a connection made through a world-reachable
        // path of our own: a second daemon whose home is 0711 would still forbid it, so instead we
        // check both layers separately: the file-system layer here, the SO_PEERCRED layer below.
        let daemon = try DaemonProcess.start()
        let pid = fork()
        if pid == 0 {
            setgid(65534)
            setuid(65534)
            let ok = (try? RPCClient(socketPath: daemon.socketPath, timeout: 2)) != nil
            _exit(ok ? 1 : 0)
        }
        var st: Int32 = 0
        waitpid(pid, &st, 0)
        #expect((st >> 8) & 0xFF == 0, "another uid cannot even open the socket")
    }

    @Test func soPeerCredCheckRefusesOtherUIDs() throws {
        // The SO_PEERCRED layer, exercised on a real socket: a server that admits only a uid other
        // than ours must answer our connection with a permission error and hang up.
        let dir = try TestPaths.makeTempDir(prefix: "afs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let loop = try EventLoop()
        var config = SocketServer.Configuration(path: dir + "/s.sock")
        config.allowedUID = getuid() &+ 4242
        let server = SocketServer(loop: loop, configuration: config)
        let refused = Flag()
        server.onRefused = { _ in refused.set() }
        try server.start()
        let thread = Thread { loop.run() }
        thread.start()
        defer {
            loop.execute { server.stopAccepting(); server.closeAll(); loop.stop() }
            usleep(100_000)
        }
        let c = try RPCClient(socketPath: dir + "/s.sock", timeout: 5)
        let reply = try c.readRawMessage()
        #expect(reply["error"]?["code"] == .int(Int64(RPCErrorCode.permissionDenied)))
        #expect(reply["error"]?["message"]?.stringValue?.contains("Permission denied") == true)
        #expect(throws: (any Error).self) { _ = try c.readRawMessage() }
        #expect(refused.isSet)
        #expect(PeerCredentials.isAllowed(peerUID: 1000, daemonUID: 1000))
        #expect(!PeerCredentials.isAllowed(peerUID: 0, daemonUID: 1000))
        #expect(!PeerCredentials.isAllowed(peerUID: 1001, daemonUID: 1000))
    }
}
