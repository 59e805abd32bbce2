import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport
@testable import ArtFactoryDaemon

/// reference.analyze through the socket on synthetic images with known colours and layout.
@Suite(.serialized) struct ReferenceTests {
    /// Fills rectangles (x0, y0, x1, y1, rgb) over a background, with ±3 deterministic noise.
    static func image(width: Int, height: Int, background: (UInt8, UInt8, UInt8),
                      rects: [(Int, Int, Int, Int, (UInt8, UInt8, UInt8))]) throws -> PixelBuffer {
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        var state: UInt64 = 17
        for y in 0..<height {
            for x in 0..<width {
                var c = background
                for r in rects where x >= r.0 && x < r.2 && y >= r.1 && y < r.3 { c = r.4 }
                for (k, v) in [c.0, c.1, c.2].enumerated() {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let noise = Int(state >> 61) - 3   // -3...4
                    bytes[(y * width + x) * 3 + k] = UInt8(max(0, min(255, Int(v) + noise)))
                }
            }
        }
        return try PixelBuffer(width: width, height: height, channels: 3, bytes: bytes)
    }

    static let teal: (UInt8, UInt8, UInt8) = (0, 128, 128)
    static let orange: (UInt8, UInt8, UInt8) = (255, 140, 0)
    static let white: (UInt8, UInt8, UInt8) = (250, 250, 250)

    @Test func paletteOfKnownColoursIsFoundWithinDeltaE5() throws {
        let dir = try TestPaths.makeTempDir(prefix: "afref")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 96×64: teal ground (63.4 %), an orange block (26.0 %) and a white block (10.5 %).
        let palette = try Self.image(width: 96, height: 64, background: Self.teal,
                                     rects: [(8, 8, 48, 48, Self.orange), (60, 40, 96, 58, Self.white)])
        let palettePath = dir + "/palette.png"
        try PNGEncoder().encode(palette).write(to: URL(fileURLWithPath: palettePath))
        // 64×64: a centred orange square on teal: centred, symmetric.
        let centred = try Self.image(width: 64, height: 64, background: Self.teal, rects: [(20, 20, 44, 44, Self.orange)])
        let centredPath = dir + "/centred.png"
        try PNGEncoder().encode(centred).write(to: URL(fileURLWithPath: centredPath))
        try "not an image".write(toFile: dir + "/fake.png", atomically: true, encoding: .utf8)

        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        let r = try c.call(ReferenceAnalyze.self, .init(paths: [palettePath], colors: 3)).references[0]
        #expect(r.width == 96 && r.height == 64 && r.composition.aspect == "landscape 3:2")
        let expected: [(String, (UInt8, UInt8, UInt8), Double)] = [("teal", Self.teal, 0.634), ("orange", Self.orange, 0.260), ("white", Self.white, 0.105)]
        #expect(r.palette.count == 3)
        for (i, (name, rgb, share)) in expected.enumerated() {
            let found = r.palette[i]
            let want = LabColor(r: rgb.0, g: rgb.1, b: rgb.2)
            let got = LabColor(l: found.lab[0], a: found.lab[1], b: found.lab[2])
            #expect(got.distance(want) < 5, "\(name): ΔE \(got.distance(want))")
            #expect(found.name == name && abs(found.share - share) < 0.03 && found.confidence > 0.8, "\(found)")
        }
        #expect(r.terms.contains { $0.term == "teal tones" && $0.rendered.hasPrefix("(teal tones:") })
        #expect(r.source.hasSuffix("/palette.png"))

        // The same file through the gallery gives the same palette; the source is the image id.
        let imported = try c.importImages(.init(paths: [centredPath]))
        let id = try #require(imported.items.first?.id)
        let both = try c.call(ReferenceAnalyze.self, .init(ids: [id], paths: [centredPath])).references
        #expect(both.count == 2 && both[0].source == id && both[0].palette == both[1].palette)
        let comp = both[0].composition
        #expect(comp.position == "center" && comp.aspect == "square" && comp.symmetry.label == "symmetric", "\(comp)")
        #expect(abs(comp.subjectX - 0.5) < 0.05 && abs(comp.subjectY - 0.5) < 0.05)
        #expect(both[0].terms.map(\.term).contains("centered composition") && both[0].terms.map(\.term).contains("symmetrical composition"))
        #expect(both[0].saturation.label == "vibrant" && (0...1).contains(both[0].brightness.confidence))
        let dark = try Self.image(width: 32, height: 32, background: (10, 10, 14), rects: [])
        try PNGEncoder().encode(dark).write(to: URL(fileURLWithPath: dir + "/dark.png"))
        let d = try c.call(ReferenceAnalyze.self, .init(paths: [dir + "/dark.png"])).references[0]
        #expect(d.brightness.label == "dark" && d.contrast.label == "low" && d.palette.count >= 1 && d.terms.contains { $0.term == "low key lighting" })

        // Bad input.
        expectError(RPCErrorCode.pathNotAllowed) { _ = try c.call(ReferenceAnalyze.self, .init(paths: ["relative.png"])) }
        expectError(RPCErrorCode.pathNotAllowed) { _ = try c.call(ReferenceAnalyze.self, .init(paths: ["/etc/hostname"])) }
        expectError(RPCErrorCode.invalidFile) { _ = try c.call(ReferenceAnalyze.self, .init(paths: [dir + "/fake.png"])) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(ReferenceAnalyze.self, .init(ids: ["img_01JZZZZZZZZZZZZZZZZZZZZZZZ"])) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(ReferenceAnalyze.self, .init(paths: Array(repeating: palettePath, count: 6))) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(ReferenceAnalyze.self, .init()) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(ReferenceAnalyze.self, .init(paths: [palettePath], colors: 9)) }
        _ = daemon.stop()
    }
}

/// `artfactory reference analyze` prints the attributes; with --generate it queues a generation
/// whose prompt carries the accepted terms (validated by the daemon: no model → nothing queued).
@Suite(.serialized) struct ReferenceCLITests {
    @Test func analyzePrintsAttributesAndAcceptedTermsReachGenerate() throws {
        let dir = try TestPaths.makeTempDir(prefix: "afrefc")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let img = try ReferenceTests.image(width: 64, height: 64, background: ReferenceTests.teal, rects: [(20, 20, 44, 44, ReferenceTests.orange)])
        try PNGEncoder().encode(img).write(to: URL(fileURLWithPath: dir + "/ref.png"))
        let daemon = try DaemonProcess.start()
        let out = try runCLI(["reference", "analyze", dir + "/ref.png"], home: daemon.home)
        #expect(out.status == 0 && out.stdout.contains("teal") && out.stdout.contains("subject: center"), "\(out.stdout)\(out.stderr)")
        let json = try runCLI(["reference", "analyze", dir + "/ref.png", "--json", "--colors", "2"], home: daemon.home)
        #expect(try JSONParser().parse(json.stdout)["references"]?.arrayValue?.first?["palette"]?.arrayValue?.count == 2)
        // No model in this home: generate refuses, and says so; the prompt was built from the accepted terms.
        let gen = try runCLI(["reference", "analyze", dir + "/ref.png", "--generate", "a kite", "--accept", "palette"], home: daemon.home)
        #expect(gen.status == 1, "\(gen.stdout)")
        let bad = try runCLI(["reference", "analyze", dir + "/ref.png", "--accept", "palette"], home: daemon.home)
        #expect(bad.status == 2)
        _ = daemon.stop()
    }
}
