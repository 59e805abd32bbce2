import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import TestSupport
import Testing

/// The embedded default model (`artfactory-shapes`): installed into a fresh home on first start, the
/// default for `generate`, private files, not reinstalled after the user deletes it.
@Suite("Default model install", .serialized)
struct DefaultModelInstallTests {
    static let env = ["ARTFACTORY_NO_DEFAULT_MODEL": "0"]

    @Test func freshHomeGetsTheDefaultModelAndGeneratesWithIt() throws {
        let home = try TestPaths.makeTempDir(prefix: "afdm")
        defer { try? FileManager.default.removeItem(atPath: home) }
        var daemon = try DaemonProcess.start(home: home, environment: Self.env)
        let client = try daemon.client()
        let list = try client.call(ModelsList.self, .init())
        #expect(list.defaultModel == "artfactory-shapes")
        let model = try #require(list.models.first { $0.name == "artfactory-shapes" })
        #expect(model.format == "diffusers")
        #expect(model.bytes > 1_000_000 && model.bytes <= 25_000_000)

        // Private files, nothing half-installed left behind.
        let dir = home + "/models/artfactory-shapes"
        for rel in ["model_index.json", "unet/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors"] {
            var st = stat()
            #expect(stat(dir + "/" + rel, &st) == 0)
            #expect(st.st_mode & 0o077 == 0, "\(rel) is readable by others")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: home + "/models")
        #expect(!names.contains { $0.hasSuffix(".installing") })

        // `generate` with no model and no size uses the default model at its native 64×64.
        var params = Generate.Params(prompt: "a red circle on a blue background")
        params.count = 1
        params.steps = 4
        params.seed = 3
        let submitted = try client.call(Generate.self, params)
        #expect(submitted.model == "artfactory-shapes")
        let deadline = Date().addingTimeInterval(120)
        var info = try client.call(JobGet.self, .init(id: submitted.jobId))
        while !["succeeded", "failed", "canceled"].contains(info.status), Date() < deadline {
            usleep(50_000)
            info = try client.call(JobGet.self, .init(id: submitted.jobId))
        }
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        let output = try #require(info.images.first)
        #expect(output.width == 64 && output.height == 64)
        #expect(FileManager.default.fileExists(atPath: output.path))

        // Deleted by the user: not reinstalled on the next start.
        daemon.stop()
        try FileManager.default.removeItem(atPath: dir)
        daemon = try DaemonProcess.start(home: home, environment: Self.env)
        let after = try daemon.client().call(ModelsList.self, .init())
        #expect(!after.models.contains { $0.name == "artfactory-shapes" })
        daemon.stop()
    }

    @Test func turnedOffByTheEnvironment() throws {
        let daemon = try DaemonProcess.start(environment: ["ARTFACTORY_NO_DEFAULT_MODEL": "1"])
        defer { daemon.stop() }
        let list = try daemon.client().call(ModelsList.self, .init())
        #expect(list.models.isEmpty)
        #expect(list.defaultModel == nil)
    }
}
