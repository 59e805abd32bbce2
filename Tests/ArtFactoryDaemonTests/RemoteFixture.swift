import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import TestSupport

/// A daemon whose providers point at loopback fakes, and a transcript of everything the daemon
/// said (results, errors, notifications) for the key-leak scan.
final class RemoteFixture: @unchecked Sendable {
    let home: String
    var daemon: DaemonProcess
    private let lock = NSLock()
    private var said: [String] = []
    private let environment: [String: String]

    /// Start-up is slow on a loaded 2-core machine (17-20 s measured for any daemon build there).
    static let startTimeout: Double = 120

    /// No provider key from the environment running the tests may leak in.
    static let cleanEnvironment = ["FAL_KEY": "", "REPLICATE_API_TOKEN": "", "CIVITAI_API_TOKEN": ""]

    init(providers: [String: JSONValue], environment: [String: String] = [:]) throws {
        home = try TestPaths.makeTempDir(prefix: "afr")
        let config = JSONValue.object(JSONObject([("providers", .object(JSONObject(providers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })))]))
        try Data(JSONWriter.string(config).utf8).write(to: URL(fileURLWithPath: home + "/config.json"))
        self.environment = Self.cleanEnvironment.merging(environment) { _, new in new }
        daemon = try DaemonProcess.start(home: home, environment: self.environment, timeout: Self.startTimeout)
    }

    /// Stops the daemon (SIGTERM, or `signal`: SIGKILL for a crash) and starts a new one on the same home.
    func restart(signal: Int32 = SIGTERM) throws {
        daemon.stop(signal: signal)
        daemon = try DaemonProcess.start(home: home, environment: environment, timeout: Self.startTimeout)
    }

    /// Fast settings for tests: short polls and backoffs, a generous bucket.
    static func settings(_ baseURL: String, _ extra: [String: JSONValue] = [:]) -> JSONValue {
        var o = JSONObject([("baseURL", .string(baseURL)), ("pollIntervalSeconds", 0.05), ("backoffSeconds", 0.05), ("maxBackoffSeconds", 0.3),
                            ("requestsPerSecond", 500), ("burst", 100), ("timeoutSeconds", 5)])
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { o[k] = v }
        return .object(o)
    }

    func cleanUp() {
        daemon.stop()
        try? FileManager.default.removeItem(atPath: home)
    }

    func note(_ text: String) { lock.withLock { said.append(text) } }
    var transcript: [String] { lock.withLock { said } }

    /// A typed call whose result or error goes into the transcript.
    func call<M: RPCMethod>(_ c: RPCClient, _ m: M.Type, _ p: M.Params) throws -> M.Result {
        do {
            let r = try c.call(m, p)
            note(JSONWriter.string(try JSONValueEncoder().encode(r)))
            return r
        } catch let e as RPCError {
            note(e.message + " " + JSONWriter.string(e.data ?? .null))
            throw e
        }
    }

    /// The error a call fails with (recorded), or nil if it succeeded.
    func failure<M: RPCMethod>(_ c: RPCClient, _ m: M.Type, _ p: M.Params) -> RPCError? {
        do {
            _ = try call(c, m, p)
            return nil
        } catch {
            return error as? RPCError
        }
    }

    /// Polls `job.get` until the job finishes (recording each answer).
    func wait(_ jobId: String, timeout: Double = 180) throws -> JobInfo {
        let c = try daemon.client()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let info = try call(c, JobGet.self, .init(id: jobId))
            if ["succeeded", "failed", "canceled"].contains(info.status) { return info }
            usleep(30_000)
        }
        throw TestFailure("job \(jobId) did not finish within \(timeout) s")
    }

    /// Polls until `predicate` holds for the job's live progress detail.
    func waitForDetail(_ jobId: String, timeout: Double = 120, _ predicate: (String) -> Bool) throws -> String {
        let c = try daemon.client()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let info = try call(c, JobGet.self, .init(id: jobId))
            if let d = info.progress?.detail, predicate(d) { return d }
            if ["succeeded", "failed", "canceled"].contains(info.status) { throw TestFailure("job finished (\(info.status)) first: \(info.error ?? "")") }
            usleep(30_000)
        }
        throw TestFailure("no matching progress detail within \(timeout) s")
    }

    var logText: String { (try? String(contentsOfFile: home + "/logs/artfactoryd.log", encoding: .utf8)) ?? "" }

    /// Whether the daemon's log gets a line containing `text` within `timeout` seconds (the log is
    /// written in batches every 200 ms, so a line may land just after the job that logged it finished).
    func logEventually(contains text: String, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if logText.contains(text) { return true }
            usleep(50_000)
        } while Date() < deadline
        return logText.contains(text)
    }

    /// Generate params for a remote model.
    static func params(_ model: String, count: Int = 2, seed: Int64 = 7) -> Generate.Params {
        var p = Generate.Params(prompt: "a lighthouse at dusk")
        p.model = model
        p.count = count
        p.seed = seed
        p.width = 64
        p.height = 64
        p.steps = 4
        return p
    }

    /// A 64×64 PNG the fakes serve as results.
    static let png: [UInt8] = {
        var bytes = [UInt8](repeating: 0, count: 64 * 64 * 3)
        for i in 0..<(64 * 64) { bytes[i * 3] = UInt8(i % 256); bytes[i * 3 + 1] = 120; bytes[i * 3 + 2] = UInt8((i / 64) * 4) }
        let buffer = try! PixelBuffer(width: 64, height: 64, channels: 3, bytes: bytes)
        return [UInt8](try! PNGEncoder().encode(buffer))
    }()
}
