import Foundation
import Testing
@testable import ArtFactoryEngine

/// Small deterministic stand-ins for the three models, so the pipeline logic is tested on its own.
private struct FakeTextEncoder: TextEncoding {
    let hiddenSize = 8
    func encode(tokenIDs: [[Int32]], clipSkip: Int) throws -> Tensor {
        var data: [Float] = []
        for row in tokenIDs {
            for (position, id) in row.enumerated() {
                for k in 0..<hiddenSize { data.append(sin(Float(id) * 0.001 * Float(k + 1) + Float(position) * 0.1) + 0.5) }
            }
        }
        return Tensor(shape: [tokenIDs.count, tokenIDs.first?.count ?? 0, hiddenSize], data: data)
    }
}

/// Records the shapes it was called with.
private final class CallLog: @unchecked Sendable {
    private let lock = NSLock()
    private var shapes: [[Int]] = []
    private var contexts: [[Int]] = []
    func record(_ sample: [Int], _ context: [Int]) { lock.withLock { shapes.append(sample); contexts.append(context) } }
    var sampleShapes: [[Int]] { lock.withLock { shapes } }
    var contextShapes: [[Int]] { lock.withLock { contexts } }
}

private struct FakeUNet: NoisePredicting {
    let inChannels: Int
    let outChannels = 4
    let log = CallLog()
    func predict(sample: Tensor, timestep: Float, context: Tensor) throws -> Tensor {
        log.record(sample.shape, context.shape)
        let b = sample.shape[0], h = sample.shape[2], w = sample.shape[3], plane = h * w
        let bias = context.data.reduce(0, +) / Float(max(1, context.count)) * 0.01
        var out = Tensor(shape: [b, 4, h, w])
        for n in 0..<b {
            let rowContext = context.count / b
            let rowBias = context.data[(n * rowContext)..<((n + 1) * rowContext)].reduce(0, +) / Float(max(1, rowContext)) * 0.05
            for c in 0..<4 {
                for i in 0..<plane {
                    out.data[(n * 4 + c) * plane + i] = 0.3 * sample.data[(n * inChannels + c) * plane + i] + rowBias + bias + timestep * 1e-4
                }
            }
        }
        return out
    }
}

private struct FakeVAE: LatentAutoencoding {
    let scalingFactor: Float = 0.18215
    let downsampleFactor = 8
    let latentChannels = 4
    func encode(image: Tensor) throws -> (mean: Tensor, logVariance: Tensor) {
        let h = image.shape[2] / 8, w = image.shape[3] / 8
        var mean = Tensor(shape: [1, 4, h, w])
        for c in 0..<4 {
            for y in 0..<h {
                for x in 0..<w {
                    mean.data[(c * h + y) * w + x] = image.data[((c % 3) * image.shape[2] + y * 8) * image.shape[3] + x * 8]
                }
            }
        }
        return (mean, Tensor(shape: mean.shape, repeating: -6))
    }
    func decode(latents: Tensor) throws -> Tensor {
        let h = latents.shape[2] * 8, w = latents.shape[3] * 8
        var image = Tensor(shape: [latents.shape[0], 3, h, w])
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w {
                    image.data[(c * h + y) * w + x] = tanh(latents.data[(c * latents.shape[2] + y / 8) * latents.shape[3] + x / 8])
                }
            }
        }
        return image
    }
}

@Suite struct PipelineTests {
    private static func pipeline(inChannels: Int = 4) throws -> (StableDiffusionPipeline, FakeUNet) {
        let unet = FakeUNet(inChannels: inChannels)
        var config = SchedulerConfig()
        config.className = "DDIMScheduler"
        config.betaSchedule = "scaled_linear"
        config.betaStart = 0.00085
        config.betaEnd = 0.012
        config.clipSample = false
        let pipeline = StableDiffusionPipeline(tokenizer: try CLIPTokenizer.builtIn(), textEncoder: FakeTextEncoder(),
                                               unet: unet, vae: FakeVAE(), schedulerConfig: config)
        return (pipeline, unet)
    }

    private static func request(_ prompt: String = "a red apple") -> GenerationRequest {
        var r = GenerationRequest(prompt: prompt)
        r.width = 32
        r.height = 24
        r.steps = 5
        r.seed = 42
        return r
    }

    private static func sourceImage(width: Int = 32, height: Int = 24) throws -> RGBImage {
        try RGBImage(width: width, height: height, pixels: (0..<(width * height * 3)).map { UInt8(($0 * 37) % 256) })
    }

    @Test func textToImageBatchesGuidanceAndSeedsEachImage() throws {
        let (pipeline, unet) = try Self.pipeline()
        var r = Self.request()
        r.imageCount = 3
        var steps: [GenerationProgress] = []
        let result = try pipeline.generate(r) { steps.append($0); return true }
        #expect(result.images.count == 3)
        #expect(result.seeds == [42, 43, 44])
        #expect(result.images.allSatisfy { $0.width == 32 && $0.height == 24 && $0.pixels.count == 32 * 24 * 3 })
        #expect(result.images[0] != result.images[1])
        #expect(steps.count == 15)
        #expect(steps.last?.imageIndex == 2 && steps.last?.step == 5 && steps.last?.totalSteps == 5)
        #expect(unet.log.sampleShapes.allSatisfy { $0 == [2, 4, 3, 4] })
        #expect(unet.log.contextShapes.allSatisfy { $0 == [2, 77, 8] })
        #expect(result.timings.denoise > 0 && result.timings.decode > 0 && result.timings.textEncode > 0)

        // Image 1 of a 3-image request equals image 0 of a request seeded with seed + 1.
        var single = Self.request()
        single.seed = 43
        #expect(try pipeline.generate(single).images[0] == result.images[1])
    }

    @Test func guidanceOneRunsASingleRowAndLongPromptsGetMoreWindows() throws {
        let (pipeline, unet) = try Self.pipeline()
        var r = Self.request(Array(repeating: "apple", count: 100).joined(separator: " "))
        r.guidanceScale = 1
        _ = try pipeline.generate(r)
        #expect(unet.log.sampleShapes.allSatisfy { $0[0] == 1 })
        #expect(unet.log.contextShapes.allSatisfy { $0 == [1, 154, 8] })
    }

    @Test func emphasisChangesTheConditioning() throws {
        let (pipeline, _) = try Self.pipeline()
        let plain = try pipeline.encodePrompts(Self.request("a red apple"), guided: false)
        let weighted = try pipeline.encodePrompts(Self.request("a (red:1.5) apple"), guided: false)
        #expect(plain.shape == weighted.shape)
        #expect(plain != weighted)
        let plainMean = plain.data.reduce(0, +) / Float(plain.count)
        let weightedMean = weighted.data.reduce(0, +) / Float(weighted.count)
        #expect(abs(plainMean - weightedMean) < 1e-4)
    }

    @Test func progressCanCancelByReturningFalseOrThrowing() throws {
        let (pipeline, _) = try Self.pipeline()
        var seen = 0
        #expect(throws: CancellationError.self) {
            _ = try pipeline.generate(Self.request()) { _ in seen += 1; return seen < 2 }
        }
        #expect(seen == 2)
        #expect(throws: CancellationError.self) {
            _ = try pipeline.generate(Self.request()) { _ in throw CancellationError() }
        }
    }

    @Test func imageToImageRunsOnlyTheStrengthPartOfTheSchedule() throws {
        let (pipeline, _) = try Self.pipeline()
        var r = Self.request()
        r.steps = 10
        r.strength = 0.7
        r.initImage = try Self.sourceImage()
        var steps = 0
        let result = try pipeline.generate(r) { _ in steps += 1; return true }
        #expect(steps == 7)
        #expect(result.timings.imageEncode > 0)
        r.strength = 0.05
        #expect { try pipeline.generate(r) } throws: { ($0 as? EngineError)?.code == "pipeline.bad_request" }
    }

    @Test func inpaintingKeepsTheUnmaskedLatentsAndFeedsNineChannelModels() throws {
        let mask = try InpaintMask(width: 32, height: 24, values: (0..<(32 * 24)).map { ($0 % 32) >= 16 ? 255 : 0 })
        let latentMask = mask.latentMask(height: 3, width: 4)
        #expect(latentMask.data == [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1])

        let known = Tensor(shape: [1, 4, 3, 4], repeating: 2)
        let generated = Tensor(shape: [1, 4, 3, 4], repeating: -1)
        let blended = try StableDiffusionPipeline.blend(known: known, generated: generated, mask: latentMask)
        #expect(blended.data[0] == 2 && blended.data[2] == -1 && blended.data[12 * 3 + 3] == -1)

        let (pipeline, _) = try Self.pipeline()
        var r = Self.request()
        r.initImage = try Self.sourceImage()
        r.mask = mask
        r.strength = 1
        let result = try pipeline.generate(r)
        // Left half is kept: the fake VAE round-trips the source latents there.
        let unmasked = try pipeline.generate({ var q = r; q.mask = try InpaintMask(width: 32, height: 24, values: [UInt8](repeating: 0, count: 32 * 24)); return q }())
        #expect(result.images[0].pixels[0..<(8 * 3)] == unmasked.images[0].pixels[0..<(8 * 3)])

        let (inpaintModel, unet9) = try Self.pipeline(inChannels: 9)
        _ = try inpaintModel.generate(r)
        #expect(unet9.log.sampleShapes.allSatisfy { $0 == [2, 9, 3, 4] })
        var noMask = r
        noMask.mask = nil
        #expect { try inpaintModel.generate(noMask) } throws: { ($0 as? EngineError)?.code == "pipeline.bad_request" }
    }

    @Test func cancellingTheEnclosingTaskStopsTheRun() async throws {
        let (pipeline, _) = try Self.pipeline()
        let task = Task { () throws -> GenerationResult in
            var r = Self.request()
            r.steps = 50
            return try pipeline.generate(r) { _ in
                Thread.sleep(forTimeInterval: 0.01)
                return true
            }
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }

    @Test func strengthDefaultsFollowDiffusers() {
        var r = Self.request()
        #expect(r.effectiveStrength == 0.8)
        r.mask = try? InpaintMask(width: 32, height: 24, values: [UInt8](repeating: 255, count: 32 * 24))
        #expect(r.effectiveStrength == 1.0)
        r.strength = 0.3
        #expect(r.effectiveStrength == 0.3)
    }

    @Test func badRequestsAreClearErrors() throws {
        let (pipeline, _) = try Self.pipeline()
        var r = Self.request()
        r.width = 30
        #expect { try pipeline.generate(r) } throws: { ($0 as? EngineError)?.code == "pipeline.bad_request" }
        r = Self.request()
        r.steps = 0
        #expect { try pipeline.generate(r) } throws: { ($0 as? EngineError)?.code == "pipeline.bad_request" }
        r = Self.request()
        r.mask = try InpaintMask(width: 32, height: 24, values: [UInt8](repeating: 0, count: 32 * 24))
        #expect { try pipeline.generate(r) } throws: { ($0 as? EngineError)?.code == "pipeline.bad_request" }
        r = Self.request()
        r.initImage = try Self.sourceImage(width: 16, height: 16)
        #expect { try pipeline.generate(r) } throws: { ($0 as? EngineError)?.code == "pipeline.bad_request" }
        #expect(throws: EngineError.self) { try RGBImage(width: 2, height: 2, pixels: [1, 2, 3]) }
    }

    @Test func outputBytesUseDiffusersRounding() throws {
        let t = Tensor(shape: [1, 3, 1, 2], data: [-1, 1, 0, -2, 2, 0.5])
        let image = try RGBImage(tensor: t)
        // (x/2 + 0.5) clamped, ×255, rounded half to even: 0 → 127.5 → 128, 0.5 → 191.25 → 191.
        #expect(image.pixels == [0, 128, 255, 255, 0, 191])
        let source = try RGBImage(width: 1, height: 1, pixels: [0, 255, 51])
        #expect(source.tensor().data == [-1, 1, 2 * (Float(51) / 255) - 1])
    }
}
