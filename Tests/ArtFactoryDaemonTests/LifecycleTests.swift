import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

@Suite(.serialized) struct LifecycleTests {
    @Test func startsAnswersAndReportsStatus() throws {
        let daemon = try DaemonProcess.start()
        let status = try daemon.client().call(DaemonStatus.self, NoParams())
        #expect(status.pid == daemon.pid)
        #expect(status.home == daemon.home)
        #expect(status.socket == daemon.socketPath)
        #expect(status.version == ArtFactoryVersion.string)
        #expect(status.counts["connections"] == 1)
    }

    @Test func sigtermWithClientsConnectedExitsCleanly() throws {
        let daemon = try DaemonProcess.start()
        let idle = try daemon.client(timeout: 10)
        let subscriber = try daemon.client(timeout: 10)
        _ = try subscriber.call(EventsSubscribe.self, .init(topics: ["daemon"]))
        #expect(daemon.stop(signal: SIGTERM) == 0)
        // Subscribers were told; the socket file is gone; clients see the connection closed.
        let note = try subscriber.waitForNotification(timeout: 5)
        #expect(note?.method == "daemon.stopping")
        #expect(access(daemon.socketPath, F_OK) != 0)
        #expect(throws: (any Error).self) { _ = try idle.call("daemon.status") }
    }

    @Test func restartsOverAStaleSocketAfterACrash() throws {
        let first = try DaemonProcess.start()
        let home = first.home
        first.stop(signal: SIGKILL)
        #expect(access(first.socketPath, F_OK) == 0, "SIGKILL leaves the socket file behind")
        let second = try DaemonProcess.start(home: home)
        #expect(try second.client().call(DaemonStatus.self, NoParams()).pid == second.pid)
        let log = try String(contentsOfFile: home + "/logs/artfactoryd.log", encoding: .utf8)
        #expect(log.contains("stale socket"))
    }

    @Test func secondDaemonOnTheSameHomeIsRefused() throws {
        let daemon = try DaemonProcess.start()
        let r = try runProgram(TestPaths.product("artfactoryd"), [], environment: [
            "ARTFACTORY_HOME": daemon.home, "OPENBLAS_CORETYPE": "Haswell", "PATH": "/usr/bin:/bin",
        ])
        #expect(r.status == 1)
        #expect(r.stderr.contains("already running"))
        #expect(r.stderr.contains("pid \(daemon.pid)"))
        // The first one is untouched.
        #expect(try daemon.client().call(DaemonStatus.self, NoParams()).pid == daemon.pid)
    }

    @Test func shutdownMethodStopsTheDaemon() throws {
        let daemon = try DaemonProcess.start()
        let r = try daemon.client().call(DaemonShutdown.self, .init(reason: "test"))
        #expect(r.stopping)
        #expect(daemon.waitForExit(timeout: 10) == 0)
    }

    @Test func sighupReloadsConfigAndNotifies() throws {
        let daemon = try DaemonProcess.start()
        let c = try daemon.client(timeout: 10)
        _ = try c.call(EventsSubscribe.self, .init(topics: ["daemon"]))
        try #"{"logLevel": "debug"}"#.write(toFile: daemon.home + "/config.json", atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        let note = try c.waitForNotification(timeout: 5)
        #expect(note?.method == "daemon.configReloaded")
        // A broken config is refused and the daemon keeps running.
        try #"{"logLevel": "loud"}"#.write(toFile: daemon.home + "/config.json", atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        usleep(300_000)
        #expect(try c.call(DaemonStatus.self, NoParams()).pid == daemon.pid)
    }

    @Test func brokenConfigStopsStartWithAClearMessage() throws {
        let home = try TestPaths.makeTempDir(prefix: "afc")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try #"{"maxMessageBytes": "huge"}"#.write(toFile: home + "/config.json", atomically: true, encoding: .utf8)
        let r = try runCLI(["daemon", "start"], home: home)
        #expect(r.status == 1)
        #expect(r.stderr.contains("config.json"))
        #expect(r.stderr.contains("maxMessageBytes"))
    }
}
