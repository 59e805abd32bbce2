import Foundation
import Testing
@testable import ArtFactoryImaging

/// Checks our PNGs with tools that share no code with us: Pillow (via helpers/read_png_text.py) and
/// Debian's `pngcheck`. Skipped, with the reason shown, where the tool is missing.
@Suite struct IndependentReaderTests {
    static let record = #"{"prompt":"a lighthouse at dusk — 灯台","seed":1234,"steps":25}"#
    static let parameters = "a lighthouse at dusk\nNegative prompt: fog\nSteps: 25, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 96x64"

    /// 96x64 goes through libpng; 640x480 through the parallel writer.
    static func writeSample(in directory: URL, level: Int = 1, large: Bool = false) throws -> URL {
        let image = try TestFiles.realisticImage(width: large ? 640 : 96, height: large ? 480 : 64, channels: 4)
        let data = try PNGEncoder(compressionLevel: level).encode(image, parameters: parameters, recordJSON: record)
        let url = directory.appendingPathComponent("sample.png")
        try AtomicFile.write(data, to: url)
        return url
    }

    @Test(.enabled(if: TestFiles.pythonHasPillow, "python3 with Pillow (PIL) is not installed"))
    func pillowReadsOurTextChunksAndPixels() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for large in [false, true] {
            let url = try Self.writeSample(in: directory, large: large)
            let script = TestFiles.helpersDirectory.appendingPathComponent("read_png_text.py").path
            let result = try TestFiles.run("python3", [script, url.path])
            #expect(result.status == 0, "\(result.output)")
            let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            let text = object?["text"] as? [String: String]
            #expect(text?["parameters"] == Self.parameters)
            #expect(text?["artfactory"] == Self.record)
            #expect(object?["mode"] as? String == "RGBA" && object?["size"] as? [Int] == (large ? [640, 480] : [96, 64]))
            let image = try TestFiles.realisticImage(width: large ? 640 : 96, height: large ? 480 : 64, channels: 4)
            #expect(object?["byteSum"] as? Int == image.bytes.reduce(0) { $0 + Int($1) })
            #expect(object?["head"] as? [Int] == image.bytes.prefix(24).map { Int($0) })
        }
    }

    @Test(.enabled(if: TestFiles.hasExecutable("pngcheck"), "pngcheck is not installed (apt-get install pngcheck)"))
    func pngcheckValidatesOurFilesAtEveryLevel() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (level, large) in [(0, false), (1, false), (6, false), (9, false), (1, true), (6, true), (9, true)] {
            let url = try Self.writeSample(in: directory, level: level, large: large)
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
