import Foundation
import Testing
@testable import ArtFactoryEngine

/// TAESD (diffusers' AutoencoderTiny) against diffusers (Scripts/fixtures/make_taesd_fixtures.py), the
/// pipeline's Draft decode through it, and tiled decoding of the full VAE.
@Suite struct TinyDecoderTests {
    static let root = EngineFixtures.root + "/taesd"

    @Test func decoderAndEncoderMatchDiffusers() throws {
        let refs = try SafeTensorsFile(path: Self.root + "/taesd-tiny-reference.safetensors")
        let tiny = try AutoencoderTiny(path: Self.root + "/taesd-tiny")
        #expect(tiny.hasEncoder)
        #expect(tiny.downsampleFactor == 8)
        expectClose(try tiny.decode(latents: try refs.tensor(named: "latents")), try refs.tensor(named: "decoded"), "TAESD decode")
        expectClose(try tiny.encode(image: try refs.tensor(named: "image")), try refs.tensor(named: "encoded"), "TAESD encode")
    }

    @Test func originalDecoderFileLoadsTheSameDecoder() throws {
        let refs = try SafeTensorsFile(path: Self.root + "/taesd-tiny-reference.safetensors")
        let original = try AutoencoderTiny(path: Self.root + "/taesd_decoder-tiny.safetensors")
        #expect(!original.hasEncoder)
        #expect(original.configuration.numDecoderBlocks == [1, 1, 2, 1])
        expectClose(try original.decode(latents: try refs.tensor(named: "latents")), try refs.tensor(named: "decoded"), "original-layout TAESD decode")
        #expect(throws: EngineError.self) { try original.encode(image: try refs.tensor(named: "image")) }
    }

    @Test func notATinyDecoderIsAClearError() throws {
        let error = #expect(throws: EngineError.self) {
            try AutoencoderTiny(path: EngineFixtures.root + "/single-file/sd1-tiny-original.safetensors")
        }
        #expect(error?.message.contains("TAESD") == true)
    }

    @Test func draftDecodeMatchesDiffusersWithTheTinyDecoder() throws {
        let json = try #require(try FixtureFiles.json("taesd/taesd-tiny.json") as? [String: Any])
        var pipeline = try StableDiffusionPipeline.load(path: EngineFixtures.pipeline("sd1-tiny"))
        var r = GenerationRequest(prompt: json["prompt"] as? String ?? "")
        r.negativePrompt = json["negative_prompt"] as? String ?? ""
        r.steps = json["steps"] as? Int ?? 0
        r.guidanceScale = Float(json["guidance"] as? Double ?? 0)
        r.seed = UInt64(json["seed"] as? Int ?? 0)
        r.width = 64
        r.height = 64
        r.scheduler = .ddim
        r.decoder = .tiny
        let missing = #expect(throws: EngineError.self) { try pipeline.generate(r) }
        #expect(missing?.message.contains("tiny decoder") == true)
        pipeline.tinyDecoder = try AutoencoderTiny(path: Self.root + "/taesd-tiny")
        let image = try pipeline.generate(r).images[0]
        let expected = [UInt8](try Data(contentsOf: FixtureFiles.url("taesd/sd1-tiny-txt2img-taesd.rgb")))
        let value = PipelineImageTests.psnr(image.pixels, expected)
        #expect(value >= 40, "TAESD draft decode: PSNR \(value) dB")
        // The full decoder gives a different picture from the same latents.
        r.decoder = .full
        let full = try pipeline.generate(r).images[0]
        #expect(PipelineImageTests.psnr(full.pixels, expected) < 30)
        let preview = try #require(try pipeline.tinyPreview(latents: Tensor(shape: [1, 4, 8, 8])))
        #expect(preview.width == 64 && preview.height == 64)
    }

    @Test func tileOriginsCoverTheAxisAndEndFlush() {
        #expect(TiledDecoding.starts(10, tile: 16, overlap: 4) == [0])
        #expect(TiledDecoding.starts(40, tile: 16, overlap: 4) == [0, 12, 24])
        #expect(TiledDecoding.starts(30, tile: 16, overlap: 4) == [0, 12, 14])
        let ramp = TiledDecoding.ramp(8, before: 3, after: 0)
        #expect(ramp == [0.25, 0.5, 0.75, 1, 1, 1, 1, 1])
    }

    /// With a decoder that is purely local (the tiny decoder: convolutions only), overlapping tiles give the
    /// untiled image wherever each tile saw enough context; the full VAE's GroupNorm and attention are
    /// per tile, so it only agrees approximately.
    @Test func tiledDecodeMatchesUntiledAwayFromTileBorders() throws {
        let generator = TorchGenerator(seed: 3)
        let latents = try generator.randn([1, 4, 20, 28])
        let tiny = try AutoencoderTiny(path: Self.root + "/taesd-tiny")
        let untiled = try tiny.decode(latents: latents)
        let tiled = try TiledDecoding.decode(latents: latents, tile: 12, overlap: 6, factor: 8) { try tiny.decode(latents: $0) }
        #expect(tiled.shape == untiled.shape)
        // The tiny decoder's receptive field is wide, so compare in the tiles' interiors at a loose bound.
        let error = Self.interiorMaxError(tiled, untiled, margin: 16)
        #expect(error < 0.06, "tiled TAESD max error \(error)")  // measured 0.041 (values span [-1, 1])
        // The overlap is what keeps seams away: butted tiles are clearly worse.
        let butted = try TiledDecoding.decode(latents: latents, tile: 12, overlap: 0, factor: 8) { try tiny.decode(latents: $0) }
        #expect(Self.psnr(butted, untiled) < Self.psnr(tiled, untiled))

        let vae = try AutoencoderKL(directory: EngineFixtures.pipeline("sd1-tiny") + "/vae")
        let fullUntiled = try vae.decode(latents: latents)
        let fullTiled = try TiledDecoding.decode(latents: latents, tile: 12, overlap: 6, factor: 8) { try vae.decode(latents: $0) }
        let psnr = Self.psnr(fullTiled, fullUntiled)
        #expect(psnr > 22, "tiled VAE PSNR \(psnr) dB")  // measured 25.4 dB on this random tiny VAE
        #expect(!fullTiled.data.contains { !$0.isFinite })
    }

    @Test func pipelineTilesOnlyWhenLargeOrAsked() {
        #expect(!TiledDecoding.shouldTile(latentHeight: 64, latentWidth: 64))
        #expect(TiledDecoding.shouldTile(latentHeight: 128, latentWidth: 128))
    }

    static func interiorMaxError(_ a: Tensor, _ b: Tensor, margin: Int) -> Float {
        let h = a.shape[2], w = a.shape[3]
        var worst: Float = 0
        for c in 0..<3 {
            for y in margin..<(h - margin) {
                for x in margin..<(w - margin) {
                    let i = (c * h + y) * w + x
                    worst = max(worst, abs(a.data[i] - b.data[i]))
                }
            }
        }
        return worst
    }

    /// On the bf16 path the tiny decoder and encoder keep bf16 NHWC activations between oneDNN convolutions
    /// (TinyChainNHWC): within 35 dB of the f32 layers, and not the layer-by-layer bf16 path's numbers.
    @Test(.enabled(if: EnginePrecision.bf16Supported && OneDNNConvolution.policy != .none,
                   "bf16 NHWC chain skipped: \(EnginePrecision.bf16Unavailability ?? "oneDNN convolutions are off on this CPU")"))
    func bf16ChainMatchesTheF32Layers() throws {
        let refs = try SafeTensorsFile(path: Self.root + "/taesd-tiny-reference.safetensors")
        let tiny = try AutoencoderTiny(path: Self.root + "/taesd-tiny")
        let latents = try refs.tensor(named: "latents"), image = try refs.tensor(named: "image")
        let f32 = try tiny.decode(latents: latents)
        let chained = try EnginePrecision.withCompute(.bf16) { try tiny.decode(latents: latents) }
        TinyChainNHWC.enabled = false
        let layered = try EnginePrecision.withCompute(.bf16) { try tiny.decode(latents: latents) }
        TinyChainNHWC.enabled = true
        #expect(chained.shape == f32.shape)
        let value = Self.psnr(chained, f32)
        #expect(value >= 35, "bf16 NHWC decode against f32: \(value) dB")
        #expect(chained.data != layered.data, "the NHWC chain ran")
        let encoded = try EnginePrecision.withCompute(.bf16) { try tiny.encode(image: image) }
        let encodedF32 = try tiny.encode(image: image)
        let error = PrecisionSupport.relativeError(encoded.data, encodedF32.data)
        #expect(encoded.shape == encodedF32.shape)
        #expect(error < 2e-2, "bf16 NHWC encode: relative error \(error)")
    }

    /// PSNR of two [-1, 1] images.
    static func psnr(_ a: Tensor, _ b: Tensor) -> Double {
        let mse = zip(a.data, b.data).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(max(1, a.count))
        return mse == 0 ? .infinity : 10 * log10(4 / mse)
    }
}
