import Foundation
import Testing
@testable import ArtFactoryEngine

/// A prompt encoded once and reused by later requests of the same pipeline gives the images a fresh
/// encoding gives, and is ignored when it was made from other prompt fields.
@Suite struct PromptConditioningTests {
    @Test func reusedEncodingDrawsTheSameImagesAndAMismatchIsIgnored() throws {
        let pipeline = try PipelineImageTests.loaded.pipeline("sd1-tiny")
        var r = PrecisionSupport.request()
        r.guidanceScale = 5
        let fresh = try pipeline.generate(r)
        var reused = r
        reused.conditioning = try pipeline.encodeConditioning(r)
        reused.seed = r.seed
        #expect(try pipeline.generate(reused).images[0].pixels == fresh.images[0].pixels)

        // Made from another prompt, negative prompt or size: not used.
        for change in [{ (q: inout GenerationRequest) in q.prompt = "a green square" },
                       { (q: inout GenerationRequest) in q.negativePrompt = "blurry" },
                       { (q: inout GenerationRequest) in q.width = 128 }] {
            var other = r
            change(&other)
            var stale = r
            stale.conditioning = try pipeline.encodeConditioning(other)
            #expect(try pipeline.generate(stale).images[0].pixels == fresh.images[0].pixels)
        }
        // Without guidance the encoding has one row, not two: not used for a guided request either.
        var unguided = r
        unguided.guidanceScale = 1
        var mixed = r
        mixed.conditioning = try pipeline.encodeConditioning(unguided)
        #expect(try pipeline.generate(mixed).images[0].pixels == fresh.images[0].pixels)
    }
}
