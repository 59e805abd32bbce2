import Testing
@testable import ArtFactoryEngine

@Suite struct AutoencoderKLTests {
    @Test(arguments: ["sd1-tiny", "sd2-tiny", "sd1-inpaint-tiny"])
    func encodeAndDecodeMatchDiffusers(pipeline: String) throws {
        let vae = try AutoencoderKL(directory: EngineFixtures.pipeline(pipeline) + "/vae")
        let refs = try EngineFixtures.references(pipeline)
        let (mean, logVariance) = try vae.encode(image: try refs.tensor(named: "vae.image"))
        expectClose(mean, try refs.tensor(named: "vae.mean"), "\(pipeline) mean")
        expectClose(logVariance, try refs.tensor(named: "vae.logvar"), "\(pipeline) logvar")
        let decoded = try vae.decode(latents: try refs.tensor(named: "vae.latents"))
        expectClose(decoded, try refs.tensor(named: "vae.decoded"), "\(pipeline) decode")
        #expect(vae.downsampleFactor == 8)
        #expect(vae.scalingFactor == 0.18215)
    }

    @Test func imagesThatDoNotDivideIntoLatentsAreErrors() throws {
        let vae = try AutoencoderKL(directory: EngineFixtures.pipeline("sd1-tiny") + "/vae")
        #expect(throws: EngineError.self) { try vae.encode(image: Tensor(shape: [1, 3, 60, 64])) }
        #expect(throws: EngineError.self) { try vae.decode(latents: Tensor(shape: [1, 3, 8, 8])) }
    }
}
