import ArtFactoryEngine
import Foundation
import Testing

/// The product's engine reproduces diffusers' images of the shipped default model
/// (Scripts/fixtures/make_default_model_fixtures.py) with every scheduler, image-to-image and
/// inpainting, at PSNR ≥ 40 dB: the engine runs the model as trained.
@Suite("Default model parity with diffusers")
struct DefaultModelParityTests {
    static let fixtures = DefaultModelTests.repo.appendingPathComponent("Tests/ArtFactoryDefaultModelTests/Fixtures")

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let json: [String: String]
        var description: String { name }
    }

    static func cases() -> [Case] {
        guard let data = try? Data(contentsOf: fixtures.appendingPathComponent("index.json")),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = root["cases"] as? [[String: Any]] else { return [] }
        return list.compactMap { c in
            guard let name = c["case"] as? String else { return nil }
            return Case(name: name, json: c.mapValues { "\($0)" })
        }
    }

    final class Loaded: @unchecked Sendable {
        private let lock = NSLock()
        private var pipeline: StableDiffusionPipeline?
        func get() throws -> StableDiffusionPipeline {
            try lock.withLock {
                if let pipeline { return pipeline }
                let loaded = try StableDiffusionPipeline.load(directory: DefaultModelTests.modelDir)
                pipeline = loaded
                return loaded
            }
        }
    }
    static let loaded = Loaded()

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(file)))
    }

    @Test func fixturesCoverEverySchedulerImageToImageAndInpainting() {
        let names = Set(Self.cases().map(\.name))
        for required in ["txt2img-ddim", "txt2img-euler", "txt2img-euler_a", "txt2img-dpmpp_2m",
                         "txt2img-dpmpp_2m_karras", "txt2img-lcm", "img2img-ddim", "img2img-euler_a", "inpaint-ddim"] {
            #expect(names.contains(required), "missing \(required)")
        }
    }

    @Test(arguments: cases())
    func engineMatchesDiffusers(_ c: Case) throws {
        let j = c.json
        var r = GenerationRequest(prompt: j["prompt"] ?? "")
        r.width = Int(j["width"] ?? "") ?? 64
        r.height = Int(j["height"] ?? "") ?? 64
        r.steps = Int(j["steps"] ?? "") ?? 20
        r.guidanceScale = Float(j["guidance"] ?? "") ?? 6
        r.seed = UInt64(j["seed"] ?? "") ?? 0
        r.scheduler = SchedulerKind(rawValue: j["scheduler"] ?? "")
        r.karrasSigmas = j["karras"] == "1" || j["karras"] == "true"
        if let strength = j["strength"] { r.strength = Double(strength) }
        if let file = j["init_image"] {
            r.initImage = try RGBImage(width: r.width, height: r.height, pixels: Self.bytes(file))
        }
        if let file = j["mask"] {
            r.mask = try InpaintMask(width: r.width, height: r.height, values: Self.bytes(file))
        }
        let ours = try Self.loaded.get().generate(r).images[0]
        let expected = try Self.bytes(try #require(j["file"]))
        #expect(ours.pixels.count == expected.count)
        let mse = zip(ours.pixels, expected).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) } / Double(max(1, expected.count))
        let psnr = mse == 0 ? Double.infinity : 10 * log10(255 * 255 / mse)
        #expect(psnr >= 40, "\(c): PSNR \(psnr) dB")
    }
}
