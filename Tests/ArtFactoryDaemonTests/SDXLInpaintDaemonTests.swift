@testable import ArtFactoryDaemon
import ArtFactoryEngine
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// SDXL inpainting through the real socket: a source picture and a mask on an SDXL base give the engine's
/// inpainted pixels (themselves within 40 dB of diffusers' StableDiffusionXLInpaintPipeline, SDXLTests), and a
/// mask with a refiner is refused before anything is queued.
@Suite struct SDXLInpaintDaemonTests {
    /// PSNR of two 8-bit images of the same size (infinite when equal).
    static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        let mse = zip(a, b).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) } / Double(a.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    @Test func anSDXLBaseInpaintsAsTheEngineDoes() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        SDXLRefinerDaemonTests.install(f)
        let (w, h) = (64, 64)
        var source = [UInt8](repeating: 0, count: w * h * 3)
        var mask = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let i = (y * w + x) * 3
                (source[i], source[i + 1], source[i + 2]) = (UInt8(x * 4), UInt8(y * 4), UInt8((x + y) * 2))
                if x >= 20 && x < 44 && y >= 18 && y < 46 { (mask[i], mask[i + 1], mask[i + 2]) = (255, 255, 255) }
            }
        }
        let sourcePath = f.home + "/source.png", maskPath = f.home + "/mask.png"
        try PNGEncoder().encode(try PixelBuffer(width: w, height: h, channels: 3, bytes: source)).write(to: URL(fileURLWithPath: sourcePath))
        try PNGEncoder().encode(try PixelBuffer(width: w, height: h, channels: 3, bytes: mask)).write(to: URL(fileURLWithPath: maskPath))
        let c = try f.daemon.client()
        var p = SDXLRefinerDaemonTests.params()
        p.steps = 4
        p.source = sourcePath
        p.mask = maskPath
        p.strength = 1.0
        let info = try f.wait(try c.call(Generate.self, p).jobId)
        #expect(info.status == "succeeded", "\(info.error ?? "")")

        let base = try StableDiffusionPipeline.load(path: SDXLModelTests.sdxl)
        var r = GenerationRequest(prompt: p.prompt ?? "")
        r.negativePrompt = p.negativePrompt ?? ""
        (r.width, r.height, r.steps, r.guidanceScale, r.seed, r.scheduler) = (w, h, 4, 5, 1234, .euler)
        r.initImage = try RGBImage(width: w, height: h, pixels: source)
        r.mask = try InpaintMask(width: w, height: h, values: (0..<(w * h)).map { mask[$0 * 3] })
        r.strength = 1.0
        let expected = try base.generate(r).images[0]
        let stored = try PNGDecoder.decode(Data(contentsOf: URL(fileURLWithPath: info.images[0].path))).rgb()
        // The daemon runs OpenBLAS's Haswell kernel (TestSupport's DaemonProcess), this process the one it
        // detects: the pixels may differ by a rounding step, not more.
        let value = SDXLInpaintDaemonTests.psnr(stored.bytes, expected.pixels)
        #expect(stored.bytes.count == expected.pixels.count && value >= 45, "daemon against the engine: PSNR \(value) dB")

        var withRefiner = p
        withRefiner.refiner = "sdxl-refiner-tiny"
        let before = try c.call(JobList.self, .init()).jobs.count
        #expect { try c.call(Generate.self, withRefiner) } throws: { error in
            (error as? RPCError)?.message.contains("mask") == true
        }
        #expect(try c.call(JobList.self, .init()).jobs.count == before)
    }
}
