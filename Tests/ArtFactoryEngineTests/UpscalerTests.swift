import Foundation
import Testing
@testable import ArtFactoryEngine

/// ESRGAN-family upscalers against PyTorch (Scripts/fixtures/make_upscaler_fixtures.py), the restricted
/// `.pth` reader, and tiled inference (equality with one pass, seams, progress, cancellation).
@Suite struct UpscalerTests {
    static func path(_ name: String) -> String { FixtureFiles.url("upscalers/\(name)").path }
    static let reference = try! SafeTensorsFile(path: path("reference.safetensors"))

    static func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.data, b.data).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test(arguments: [
        ("rrdb-x4.safetensors", "rrdb-x4"), ("rrdb-x4.pth", "rrdb-x4"), ("rrdb-x2.pth", "rrdb-x2"),
        ("esrgan-old-x4.pth", "esrgan-old-x4"), ("compact-x4.safetensors", "compact-x4"), ("compact-x4.pth", "compact-x4"),
    ])
    func outputMatchesPyTorch(file: String, output: String) throws {
        let upscaler = try Upscaler(path: Self.path(file))
        let input = try Self.reference.tensor(named: "input")
        let expected = try Self.reference.tensor(named: output)
        let actual = try upscaler.forward(input)
        #expect(actual.shape == expected.shape)
        let difference = Self.maxAbsDifference(actual, expected)
        #expect(difference <= 1e-4, "\(file): max |Swift - PyTorch| = \(difference)")
    }

    @Test func architectureAndScaleAreInferredFromTheWeights() throws {
        #expect(try Upscaler(path: Self.path("rrdb-x4.pth")).architecture
            == .rrdbNet(features: 8, growth: 4, blocks: 1, upsamples: 2, unshuffle: 1, inChannels: 3, outChannels: 3))
        let x2 = try Upscaler(path: Self.path("rrdb-x2.pth"))
        #expect(x2.architecture == .rrdbNet(features: 8, growth: 4, blocks: 1, upsamples: 2, unshuffle: 2, inChannels: 3, outChannels: 3))
        #expect(x2.scale == 2 && x2.inputMultiple == 2)
        #expect(try Upscaler(path: Self.path("esrgan-old-x4.pth")).scale == 4)
        let compact = try Upscaler(path: Self.path("compact-x4.safetensors"))
        #expect(compact.architecture == .compact(features: 8, convs: 2, scale: 4, inChannels: 3, outChannels: 3))
        #expect(compact.architecture.costPerInputPixel < x2.architecture.costPerInputPixel * 16)
    }

    @Test func pthWithADisallowedGlobalIsRefusedAndNothingRuns() throws {
        let marker = "/tmp/artfactory-upscaler-pwned"
        try? FileManager.default.removeItem(atPath: marker)
        do {
            _ = try Upscaler(path: Self.path("malicious.pth"))
            Issue.record("the malicious checkpoint loaded")
        } catch let error as EngineError {
            #expect(error.code == "pth.forbidden")
            #expect(error.message.contains("os.system"), "\(error.message)")
            #expect(error.message.contains("ran nothing"))
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    /// Protocol-2 pickles, each asking for something a weights file must never need.
    static let refusedPickles: [(String, String)] = [
        ("c builtins\neval\n .", "builtins.eval"),
        ("c posix\nsystem\n .", "posix.system"),
        ("short:os short:system STACK_GLOBAL .", "os.system"),
        ("( i os\nsystem\n .", "INST"),
        (") ) NEWOBJ .", "NEWOBJ"),
    ]

    /// Assembles a pickle from a tiny notation: single-character opcodes, `short:TEXT` for
    /// SHORT_BINUNICODE, names of two opcodes, and raw text (with `\n`) for GLOBAL/INST operands.
    static func assemble(_ program: String) -> [UInt8] {
        var bytes: [UInt8] = [0x80, 0x02]
        for token in program.split(separator: " ") {
            if token.hasPrefix("short:") {
                let text = Array(token.dropFirst(6).utf8)
                bytes += [0x8C, UInt8(text.count)] + text
            } else if token == "STACK_GLOBAL" {
                bytes.append(0x93)
            } else if token == "NEWOBJ" {
                bytes.append(0x81)
            } else {
                bytes += Array(token.replacingOccurrences(of: "\\n", with: "\n").utf8)
            }
        }
        return bytes
    }

    @Test(arguments: refusedPickles)
    func restrictedUnpicklerNamesWhatItRefuses(program: String, named: String) throws {
        let pickle: [UInt8] = Self.assemble(program)
        do {
            _ = try pickle.withUnsafeBytes { try RestrictedUnpickler.load($0, path: "test.pkl") }
            Issue.record("\(named) was accepted")
        } catch let error as EngineError {
            #expect(error.code == "pth.forbidden")
            let message: String = error.message
            #expect(message.contains(named), "\(message)")
        }
    }

    @Test func damagedAndNonZipFilesAreReportedClearly() throws {
        let dir = try FixtureFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let legacy = dir.appendingPathComponent("legacy.pth")
        try Data([0x80, 0x02, 0x8A, 0x0A] + [UInt8](repeating: 7, count: 40)).write(to: legacy)
        #expect { try Upscaler(path: legacy.path) } throws: { ($0 as? EngineError)?.code == "pth.archive" }
        let truncated = dir.appendingPathComponent("truncated.pth")
        let whole = try Data(contentsOf: FixtureFiles.url("upscalers/rrdb-x4.pth"))
        try whole.prefix(whole.count / 2).write(to: truncated)
        #expect { try Upscaler(path: truncated.path) } throws: { ($0 as? EngineError)?.code == "pth.archive" }
        let notAnUpscaler = dir.appendingPathComponent("other.safetensors")
        try SafeTensorsWriter.write(["weight": Tensor(shape: [2], data: [1, 2])], to: notAnUpscaler.path)
        #expect { try Upscaler(path: notAnUpscaler.path) } throws: { ($0 as? EngineError)?.code == "upscaler.architecture" }
    }

    @Test(arguments: ["rrdb-x4.safetensors", "rrdb-x2.pth", "compact-x4.safetensors"])
    func tiledEqualsUntiledWhenContextCoversTheReceptiveField(file: String) throws {
        let upscaler = try Upscaler(path: Self.path(file))
        let input = try Self.reference.tensor(named: "tiling-input")
        let whole = try upscaler.upscale(input, tiling: .untiled)
        var tiles = 0
        let tiling = UpscaleTiling(tileSize: 16, overlap: 4, context: 20)
        let tiled = try upscaler.upscale(input, tiling: tiling) { p in
            tiles = p.tiles
            return true
        }
        let rows = tiling.starts(length: 44, multiple: upscaler.inputMultiple).starts.count
        let columns = tiling.starts(length: 52, multiple: upscaler.inputMultiple).starts.count
        #expect(rows >= 4 && columns >= 4 && tiles == rows * columns, "a grid of at least 4x4 tiles, \(tiles) run")
        let difference = Self.maxAbsDifference(tiled, whole)
        #expect(difference <= 1e-3, "\(file): max |tiled - untiled| = \(difference)")
    }

    /// Mean absolute horizontal step `|o[x] - o[x-1]|` of each output column.
    static func columnSteps(_ t: Tensor) -> [Float] {
        let (c, h, w) = (t.shape[1], t.shape[2], t.shape[3])
        return (0..<w).map { x in
            guard x > 0 else { return 0 }
            var sum: Float = 0
            for ch in 0..<c { for y in 0..<h { sum += abs(t.data[(ch * h + y) * w + x] - t.data[(ch * h + y) * w + x - 1]) } }
            return sum / Float(c * h)
        }
    }

    /// With little context (the network sees zero padding near each tile's edge), the cross-fade keeps
    /// tile seams invisible: the step across a seam, in excess of the untiled image's step there, stays
    /// far below the image's own column-to-column variation; hard tile edges (no overlap) do not.
    @Test func crossFadedSeamsAreNotVisible() throws {
        let upscaler = try Upscaler(path: Self.path("rrdb-x4.safetensors"))
        let input = try Self.reference.tensor(named: "tiling-input")
        let whole = try upscaler.upscale(input, tiling: .untiled)
        let reference = Self.columnSteps(whole)
        func seamJump(_ tiling: UpscaleTiling) throws -> (seam: Float, interior: Float) {
            let tiled = try upscaler.upscale(input, tiling: tiling)
            let steps = Self.columnSteps(tiled)
            let (starts, size) = tiling.starts(length: 52, multiple: 1)
            let seams = Set(starts.dropFirst().map { $0 * 4 } + starts.dropLast().map { ($0 + size) * 4 })
            let excess = steps.indices.dropFirst().map { abs(steps[$0] - reference[$0]) }
            let seam = seams.map { excess[$0 - 1] }.max() ?? 0
            let interior = excess.indices.filter { !seams.contains($0 + 1) }.map { excess[$0] }.max() ?? 0
            return (seam, interior)
        }
        let feathered = try seamJump(UpscaleTiling(tileSize: 16, overlap: 8, context: 4))
        let hard = try seamJump(UpscaleTiling(tileSize: 16, overlap: 0, context: 0))
        let variation = reference.max() ?? 0
        #expect(feathered.seam <= 0.02 * variation, "feathered seam step excess \(feathered.seam) vs column step \(variation)")
        #expect(hard.seam > 4 * feathered.seam, "hard seams \(hard.seam) should stand out against feathered \(feathered.seam)")
        print("seams: feathered excess \(feathered.seam) (interior \(feathered.interior)); hard \(hard.seam) (interior \(hard.interior)); column step \(variation)")
    }

    @Test func progressCountsTilesAndFalseCancels() throws {
        let upscaler = try Upscaler(path: Self.path("compact-x4.safetensors"))
        let input = try Self.reference.tensor(named: "tiling-input")
        var seen: [UpscaleProgress] = []
        _ = try upscaler.upscale(input, tiling: UpscaleTiling(tileSize: 24, overlap: 4, context: 4)) { seen.append($0); return true }
        #expect(seen.map(\.tile) == Array(1...seen.count))
        #expect(seen.count == 6 && seen.allSatisfy { $0.tiles == 6 })
        var calls = 0
        #expect(throws: CancellationError.self) {
            _ = try upscaler.upscale(input, tiling: UpscaleTiling(tileSize: 24, overlap: 4, context: 4)) { _ in calls += 1; return calls < 2 }
        }
        #expect(calls == 2)
    }

    @Test func rgbImagesOfOddSizeAreUpscaledAndMatchTheTensorPath() throws {
        let upscaler = try Upscaler(path: Self.path("rrdb-x2.pth"))
        let (w, h) = (13, 11)
        let pixels: [UInt8] = (0..<(w * h * 3)).map { (i: Int) -> UInt8 in UInt8((i * 37 + i / 7) % 256) }
        let image = try RGBImage(width: w, height: h, pixels: pixels)
        let out = try upscaler.upscale(image, tiling: UpscaleTiling(tileSize: 8, overlap: 2, context: 20))
        #expect(out.width == 26 && out.height == 22)
        var x = Tensor(shape: [1, 3, h, w])
        for i in 0..<(w * h) { for c in 0..<3 { x.data[c * w * h + i] = Float(pixels[i * 3 + c]) / 255 } }
        let float = try upscaler.upscale(x, tiling: .untiled)
        #expect(float.shape == [1, 3, 22, 26])
        var worst = 0
        for i in 0..<(22 * 26) {
            for c in 0..<3 {
                let expected = Int((min(max(float.data[c * 22 * 26 + i], 0), 1) * 255).rounded())
                worst = max(worst, abs(Int(out.pixels[i * 3 + c]) - expected))
            }
        }
        #expect(worst <= 1)
    }

    @Test(arguments: [(52, 16, 4, 1), (44, 16, 8, 2), (29, 16, 4, 1), (4096, 160, 16, 1), (100, 160, 16, 2), (1030, 160, 16, 2), (1031, 160, 16, 4)])
    func tilesCoverTheAxisAndTheirWeightsSumToOne(length: Int, tile: Int, overlap: Int, multiple: Int) {
        let tiling = UpscaleTiling(tileSize: tile, overlap: overlap, context: 0)
        let padded = (length + multiple - 1) / multiple * multiple
        let (starts, size) = tiling.starts(length: padded, multiple: multiple)
        #expect(starts.first == 0 && starts.last == padded - size)
        #expect(starts.allSatisfy { $0 % multiple == 0 } && size % multiple == 0)
        for (a, b) in zip(starts, starts.dropFirst()) { #expect(b > a && a + size - b >= tiling.overlap, "tiles at \(a) and \(b)") }
        let weights = tiling.axisWeights(starts: starts, size: size, scale: 2)
        var total = [Float](repeating: 0, count: padded * 2)
        for (i, start) in starts.enumerated() { for (u, w) in weights[i].enumerated() { total[start * 2 + u] += w } }
        let worst = total.map { abs($0 - 1) }.max() ?? 1
        #expect(worst < 1e-5, "weights sum to one within \(worst)")
        if starts.count > 1 { #expect(weights[0].first == 1 && weights[1].first! < 0.1, "tiles fade in at shared edges only") }
    }
}
