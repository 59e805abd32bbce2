import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import TestSupport

/// A daemon home with the tiny test model installed as `models/sd1-tiny`, and helpers to follow jobs.
struct GenerationFixture {
    let home: String
    var daemon: DaemonProcess

    static let tinyModel: String = {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return here.appendingPathComponent("ArtFactoryEngineTests/Fixtures/pipelines/sd1-tiny").path
    }()

    /// Creates a home, copies the tiny model in (at run time) and starts a daemon on it.
    static func start() throws -> GenerationFixture {
        let home = try TestPaths.makeTempDir(prefix: "afg")
        try FileManager.default.createDirectory(atPath: home + "/models", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: tinyModel, toPath: home + "/models/sd1-tiny")
        return GenerationFixture(home: home, daemon: try DaemonProcess.start(home: home))
    }

    /// Restarts the daemon on the same home (after a stop or a kill).
    mutating func restart() throws { daemon = try DaemonProcess.start(home: home) }

    func cleanUp() {
        daemon.stop()
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Small, fast params for the tiny model.
    static func params(_ prompt: String, count: Int = 2, seed: Int64? = 42, steps: Int = 3) -> Generate.Params {
        var p = Generate.Params(prompt: prompt)
        p.count = count
        p.seed = seed
        p.steps = steps
        p.width = 64
        p.height = 64
        return p
    }

    /// Polls `job.get` until the job is finished.
    func wait(_ jobId: String, timeout: Double = 120) throws -> JobInfo {
        let c = try daemon.client()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let info = try c.call(JobGet.self, .init(id: jobId))
            if ["succeeded", "failed", "canceled"].contains(info.status) { return info }
            usleep(50_000)
        }
        throw TestFailure("job \(jobId) did not finish within \(timeout) s")
    }
}
