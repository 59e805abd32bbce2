import ArtFactoryEngine
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// The precision setting through the real socket: `models.list` shows each model's setting and what it
/// runs as on this CPU, `generate` `precision` is checked before anything is queued, images record the
/// path they ran on, and config.json's `precision` / `modelPrecision` set the default.
@Suite(.serialized) struct PrecisionDaemonTests {
    static func pixels(_ info: JobInfo) throws -> [UInt8] {
        let image = try #require(info.images.first)
        return try ImageDecoder().decode(fileAt: URL(fileURLWithPath: image.path)).pixels.bytes
    }

    static func a1111(_ info: JobInfo) throws -> GenerationMetadata {
        let data = try Data(contentsOf: URL(fileURLWithPath: try #require(info.images.first).path))
        let text = try #require(try PNGTextChunk.readAll(from: data).first { $0.keyword == "parameters" }?.text)
        return try A1111Parameters.parse(text)
    }

    @Test func settingIsListedCheckedRecordedAndConfigurable() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let here: ComputePath = EnginePrecision.bf16Supported ? .bf16 : .f32
        let listed = try #require(try c.call(ModelsList.self, NoParams()).models.first { $0.provider == "local" })
        #expect(listed.precision == "auto" && listed.computePath == here.rawValue)
        #expect(listed.weights == (here == .bf16 ? "bf16" : "as-stored"))

        // Explicit f32: recorded in the spec and in the A1111 text.
        var request = GenerationFixture.params("a red circle", count: 1, seed: 9, steps: 3)
        request.precision = "f32"
        let f32 = try f.wait(try c.call(Generate.self, request).jobId)
        #expect(f32.status == "succeeded", "\(f32.error ?? "")")
        #expect(try GenerationOptionsTests.recordedParameters(f32.images[0].path)["precision"] == "f32")
        #expect(try Self.a1111(f32).extra.contains { $0.key == "Precision" && $0.value == "f32" })

        // The default (auto) runs as this CPU's fastest path.
        request.precision = nil
        let auto = try f.wait(try c.call(Generate.self, request).jobId)
        #expect(auto.status == "succeeded", "\(auto.error ?? "")")
        #expect(try GenerationOptionsTests.recordedParameters(auto.images[0].path)["precision"] == .string(here.rawValue))

        // Bad values and unsupported paths are refused before anything is queued.
        let before = try c.call(JobList.self, .init()).jobs.count
        request.precision = "fast"
        #expect { try c.call(Generate.self, request) } throws: { error in
            let e = error as? RPCError
            return e?.code == RPCErrorCode.invalidParams && e?.message.contains("auto, f32, bf16 or int8") == true
        }
        request.precision = "bf16"
        if EnginePrecision.bf16Supported {
            let bf16 = try f.wait(try c.call(Generate.self, request).jobId)
            #expect(bf16.status == "succeeded", "\(bf16.error ?? "")")
            #expect(try Self.a1111(bf16).extra.contains { $0.key == "Precision" && $0.value == "bf16" })
            #expect(try Self.pixels(bf16) != Self.pixels(f32), "the bf16 path ran (its rounding differs)")
        } else {
            #expect { try c.call(Generate.self, request) } throws: { error in
                let e = error as? RPCError
                return e?.code == RPCErrorCode.invalidParams && e?.message.contains("not available") == true
            }
        }
        let queuedByBf16 = EnginePrecision.bf16Supported ? 1 : 0
        #expect(try c.call(JobList.self, .init()).jobs.count == before + queuedByBf16, "refused requests queue nothing")

        // config.json: a per-model setting beats the global one; a bad value is a clear error.
        try #"{"precision": "bf16", "modelPrecision": {"\#(listed.name)": "f32"}}"#
            .write(toFile: f.home + "/config.json", atomically: true, encoding: .utf8)
        let configured = try #require(try c.call(ModelsList.self, NoParams()).models.first { $0.name == listed.name })
        #expect(configured.precision == "f32" && configured.computePath == "f32")
        request.precision = nil
        let fromConfig = try f.wait(try c.call(Generate.self, request).jobId)
        #expect(try GenerationOptionsTests.recordedParameters(fromConfig.images[0].path)["precision"] == "f32")
        try #"{"precision": "half"}"#.write(toFile: f.home + "/config.json", atomically: true, encoding: .utf8)
        #expect { try c.call(Generate.self, request) } throws: { error in
            (error as? RPCError)?.message.contains("config.json precision") == true
        }

        // The CLI shows the column and passes the option.
        try "{}".write(toFile: f.home + "/config.json", atomically: true, encoding: .utf8)
        let table = try runCLI(["models", "list"], home: f.home)
        #expect(table.status == 0 && table.stdout.contains("PRECISION"), "\(table.stderr)")
        let bad = try runCLI(["generate", "a square", "--precision", "fast", "--steps", "2"], home: f.home)
        #expect(bad.status != 0 && bad.stderr.contains("auto, f32, bf16 or int8"), "\(bad.stdout) \(bad.stderr)")
    }

    /// int8 (the opt-in fast path) through the socket: as a per-model setting it is listed with what it runs
    /// as and how the weights are held, requests without a precision run on it, and images record it.
    @Test(.enabled(if: EnginePrecision.int8Supported, "int8 path skipped: \(EnginePrecision.int8Unavailability ?? "")"))
    func int8IsAnOptInSettingAndIsRecorded() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let listed = try #require(try c.call(ModelsList.self, NoParams()).models.first { $0.provider == "local" })
        #expect(listed.computePath != "int8", "auto never picks int8")
        var request = GenerationFixture.params("a red circle", count: 1, seed: 9, steps: 3)
        request.precision = "f32"
        let f32 = try f.wait(try c.call(Generate.self, request).jobId)
        #expect(f32.status == "succeeded", "\(f32.error ?? "")")

        try #"{"modelPrecision": {"\#(listed.name)": "int8"}}"#.write(toFile: f.home + "/config.json", atomically: true, encoding: .utf8)
        let configured = try #require(try c.call(ModelsList.self, NoParams()).models.first { $0.name == listed.name })
        #expect(configured.precision == "int8" && configured.computePath == "int8" && configured.weights == "bf16")
        request.precision = nil
        let int8 = try f.wait(try c.call(Generate.self, request).jobId)
        #expect(int8.status == "succeeded", "\(int8.error ?? "")")
        #expect(try GenerationOptionsTests.recordedParameters(int8.images[0].path)["precision"] == "int8")
        #expect(try Self.a1111(int8).extra.contains { $0.key == "Precision" && $0.value == "int8" })
        #expect(try Self.pixels(int8) != Self.pixels(f32), "the int8 path ran (its rounding differs)")

        // An explicit request beats the setting, and the CLI passes int8 through.
        request.precision = "f32"
        let back = try f.wait(try c.call(Generate.self, request).jobId)
        #expect(try GenerationOptionsTests.recordedParameters(back.images[0].path)["precision"] == "f32")
        try "{}".write(toFile: f.home + "/config.json", atomically: true, encoding: .utf8)
        let cli = try runCLI(["generate", "a square", "--precision", "int8", "--steps", "2", "--wait", "--json"], home: f.home)
        #expect(cli.status == 0, "\(cli.stdout) \(cli.stderr)")
        let parsed = try JSONParser().parse(cli.stdout)
        guard let path = parsed["images"]?.arrayValue?.first?["path"]?.stringValue else {
            Issue.record("no image path in \(cli.stdout)")
            return
        }
        #expect(try GenerationOptionsTests.recordedParameters(path)["precision"] == "int8")
    }
}
