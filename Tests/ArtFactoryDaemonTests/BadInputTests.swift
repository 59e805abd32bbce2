import ArtFactoryIPC
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// Hostile and broken input through the real socket: the daemon answers each with an error or
/// closes that connection, never crashes or wedges, and keeps serving a well-behaved client.
@Suite(.serialized) struct BadInputTests {
    /// Deterministic generator of malformed messages of many kinds.
    static func malformed(_ i: Int) -> [UInt8] {
        var rng = SplitMix64(seed: UInt64(i))
        switch i % 12 {
        case 0: return Array(#"{"jsonrpc":"2.0","method":"daemon.status","id":"#.utf8)  // truncated
        case 1: return [0xFF, 0xFE, 0x7B, 0x7D]  // invalid UTF-8
        case 2: return Array(#"{"jsonrpc":"2.0","method":"x\#u{0}","id":1}"#.utf8)
        case 3: return Array(String(repeating: "[", count: 5000).utf8)  // deep nesting
        case 4: return Array(#"{"jsonrpc":"1.0","method":"daemon.status","id":1}"#.utf8)
        case 5: return Array(#"{"jsonrpc":"2.0","method":"events.subscribe","params":{"topics":42},"id":1}"#.utf8)
        case 6: return Array(#"{"jsonrpc":"2.0","method":"events.subscribe","params":{"topics":["nope"]},"id":1}"#.utf8)
        case 7: return (0..<Int(rng.next() % 200 + 1)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }.filter { $0 != 0x0A }
        case 8: return Array(#"{"jsonrpc":"2.0","method":"daemon.status","params":"x","id":{}}"#.utf8)
        case 9: return Array(#"{"jsonrpc":"2.0","method":"daemon.status","id":1,"extra":true}"#.utf8)
        case 10: return Array("\"\\ud800\"".utf8)  // lone surrogate
        default: return Array(#"{"jsonrpc":"2.0","method":"rpc.discover","params":[1,2,3,4],"id":1e400}"#.utf8)
        }
    }

    // Plain threads, not tasks: tests block while waiting on sockets, and blocked tests must not
    // starve Swift's small cooperative pool (2 threads on this machine).
    @Test func thousandMalformedMessagesFromSeveralClients() throws {
        let daemon = try DaemonProcess.start()
        let socket = daemon.socketPath
        let watcherStop = Flag()
        let counters = Counters()
        // A well-behaved client calls daemon.status throughout and must always be answered quickly.
        let watcher = Thread {
            guard let c = try? RPCClient(socketPath: socket, timeout: 5) else { return }
            while !watcherStop.isSet {
                let t = Date()
                if (try? c.call("daemon.status")) != nil { counters.ok(Date().timeIntervalSince(t)) } else { counters.fail() }
                usleep(2000)
            }
        }
        watcher.start()
        let group = DispatchGroup()
        for client in 0..<5 {
            group.enter()
            Thread {
                defer { group.leave() }
                guard var c = try? RPCClient(socketPath: socket, timeout: 10) else { return }
                for i in 0..<200 {
                    try? c.sendRaw(BadInputTests.malformed(client * 200 + i) + [0x0A])
                    do {
                        let reply = try c.readRawMessage()
                        // Every reply is a JSON-RPC error (or an array of them), never a result.
                        let first = reply.arrayValue?.first ?? reply
                        if first["error"]?["code"]?.intValue != nil { counters.answered() }
                    } catch {
                        // The daemon may close a connection after garbage; reconnect and go on.
                        guard let again = try? RPCClient(socketPath: socket, timeout: 10) else { return }
                        c = again
                    }
                }
            }.start()
        }
        group.wait()
        watcherStop.set()
        usleep(50_000)
        let (answered, ok, failed, worst) = counters.snapshot()
        #expect(answered >= 900, "most malformed messages get an error response (\(answered)/1000)")
        #expect(ok > 10)
        #expect(failed == 0)
        #expect(worst < 2.0, "the well-behaved client was never blocked (worst \(worst) s)")
        let c = try daemon.client()
        #expect(try c.call("daemon.status")["pid"]?.intValue == Int64(daemon.pid))
        #expect(daemon.isRunning)
    }

    @Test func oversizedLineGetsErrorAndClose() throws {
        let home = try TestPaths.makeTempDir(prefix: "afb")
        try #"{"maxMessageBytes": 4096}"#.write(toFile: home + "/config.json", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start(home: home)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let c = try daemon.client(timeout: 10)
        try c.sendRaw(Array(repeating: UInt8(ascii: "a"), count: 10_000))
        let reply = try c.readRawMessage()
        #expect(reply["error"]?["code"] == .int(Int64(RPCErrorCode.messageTooLarge)))
        #expect(throws: IPCError.self) { _ = try c.readRawMessage() }  // closed
        // Others are unaffected.
        #expect(try daemon.client().call("daemon.status")["pid"] != nil)
    }

    @Test func vanishedClientsDoNotDisturbOthers() throws {
        let daemon = try DaemonProcess.start()
        for _ in 0..<50 {
            let c = try daemon.client()
            // Half a request, then gone.
            try c.sendRaw(Array(#"{"jsonrpc":"2.0","method":"daemon.st"#.utf8))
        }
        // A client that floods requests and never reads its replies.
        let flooder = try daemon.client()
        let req = Array((#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"# + "\n").utf8)
        for _ in 0..<800 { try? flooder.sendRaw(req) }
        let t = Date()
        #expect(try daemon.client().call("daemon.status")["pid"] != nil)
        #expect(Date().timeIntervalSince(t) < 2)
    }
}

/// Thread-safe tallies for the stress test.
final class Counters: @unchecked Sendable {
    private let lock = NSLock()
    private var answeredCount = 0, okCount = 0, failedCount = 0, worst = 0.0
    func answered() { lock.lock(); answeredCount += 1; lock.unlock() }
    func ok(_ t: Double) { lock.lock(); okCount += 1; worst = max(worst, t); lock.unlock() }
    func fail() { lock.lock(); failedCount += 1; lock.unlock() }
    func snapshot() -> (Int, Int, Int, Double) { lock.lock(); defer { lock.unlock() }; return (answeredCount, okCount, failedCount, worst) }
}

/// A flag set from one task and read in another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
