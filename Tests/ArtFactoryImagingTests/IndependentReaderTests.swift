import Foundation
import Testing
@testable import ArtFactoryImaging

/// Checks our PNGs with tools that share no code with us: Pillow (via helpers/read_png_text.py) and
/// Debian's `pngcheck`. Skipped, with the reason shown, where the tool is missing.
@Suite struct IndependentReaderTests {
    static let record = #"{"prompt":"a lighthouse at dusk — 灯台","seed":1234,"steps":25}"#
    static let parameters = "a lighthouse at dusk\nNegative prompt: fog\nSteps: 25, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 96x64"

    static func writeSample(in directory: URL, level: Int = 1) throws -> URL {
        let image = try TestFiles.realisticImage(width: 96, height: 64, channels: 4)
        let data = try PNGEncoder(compressionLevel: level).encode(image, parameters: parameters, recordJSON: record)
        let url = directory.appendingPathComponent("sample.png")
        try AtomicFile.write(data, to: url)
        return url
    }

    @Test(.enabled(if: TestFiles.pythonHasPillow, "python3 with Pillow (PIL) is not installed"))
    func pillowReadsOurTextChunksAndPixels() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.writeSample(in: directory)
        let script = TestFiles.helpersDirectory.appendingPathComponent("read_png_text.py").path
        let result = try TestFiles.run("python3", [script, url.path])
        #expect(result.status == 0, "\(result.output)")
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let text = object?["text"] as? [String: String]
        #expect(text?["parameters"] == Self.parameters)
        #expect(text?["artfactory"] == Self.record)
        #expect(object?["mode"] as? String == "RGBA" && object?["size"] as? [Int] == [96, 64])
    }

    @Test(.enabled(if: TestFiles.hasExecutable("pngcheck"), "pngcheck is not installed (apt-get install pngcheck)"))
    func pngcheckValidatesOurFilesAtEveryLevel() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for level in [0, 1, 6, 9] {
            let url = try Self.writeSample(in: directory, level: level)
            let result = try TestFiles.run("pngcheck", ["-t", url.path])
            #expect(result.status == 0, "level \(level): \(result.output)")
            #expect(result.output.contains("parameters") && result.output.contains("artfactory"))
            #expect(result.output.contains("OK:"))
        }
    }

    @Test(.enabled(if: TestFiles.hasExecutable("pngcheck"), "pngcheck is not installed (apt-get install pngcheck)"))
    func pngcheckAcceptsStrippedFiles() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("stripped.png")
        try AtomicFile.write(PNGStripper().strip(TestFiles.fixture("text_exif.png")), to: url)
        let result = try TestFiles.run("pngcheck", ["-v", url.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("eXIf") && !result.output.contains("zTXt"))
    }
}
