import Foundation
import Testing
@testable import ArtFactoryImaging

@Suite struct LoRAMetadataTests {
    /// A1111 1.10 writes LoRAs like this: the tag stays in the prompt, hashes go in a quoted field.
    static let a1111 = """
        a lighthouse at dusk <lora:brand:0.8> <lora:film_grain:0.35>
        Negative prompt: blurry
        Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model hash: 6ce0161689, Model: v1-5, Lora hashes: "brand: 0123456789ab, film_grain: ba9876543210", Version: v1.10.1
        """

    @Test func loraHashesAreReadFromA1111Parameters() throws {
        let metadata = try A1111Parameters.parse(Self.a1111)
        #expect(metadata.prompt == "a lighthouse at dusk <lora:brand:0.8> <lora:film_grain:0.35>")
        #expect(metadata.loraHashes == [.init(name: "brand", hash: "0123456789ab"), .init(name: "film_grain", hash: "ba9876543210")])
        #expect(metadata.extraValue("Version") == "v1.10.1")
    }

    @Test func loraHashesAreWrittenTheWayA1111WritesThemAndReadBack() throws {
        var metadata = GenerationMetadata(source: .artfactory, prompt: "a kettle <lora:brand:0.7>", steps: 4, seed: 1)
        metadata.loraHashes = [.init(name: "brand", hash: "00ff00ff00ff")]
        let text = A1111Parameters.format(metadata)
        #expect(text.contains("Lora hashes: \"brand: 00ff00ff00ff\""))
        let back = try A1111Parameters.parse(text)
        #expect(back.loraHashes == metadata.loraHashes)
        #expect(back.prompt == "a kettle <lora:brand:0.7>")
        metadata.loraHashes = []
        #expect(metadata.extraValue("Lora hashes") == nil)
    }
}
