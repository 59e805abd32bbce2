import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// A hand-off manifest carries the prompt as the user wrote it beside the expanded one the image was made with.
@Suite(.serialized) struct HandoffSourcePromptTests {
    @Test func manifestCarriesTheSourcePromptBeforeExpansion() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let pipe = try GalleryFixtures.folder("afho-source")
        defer { try? FileManager.default.removeItem(atPath: pipe) }
        let info = try f.wait(try c.call(Generate.self, GenerationFixture.params("a {red|blue} kite", count: 1, seed: 3, steps: 2)).jobId)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        let image = try #require(info.images.first)
        _ = try c.call(HandoffSetTarget.self, .init(name: "pipe", folder: pipe))
        let h = try #require(try c.call(GalleryHandoff.self, .init(ids: [image.assetId], to: "pipe")).handoffs.first)
        _ = try HandoffTests.waitFor(c, [h.id], ["sent"])
        let manifest = try JSONParser().parse(try String(contentsOfFile: pipe + "/outbox/\(h.id).json", encoding: .utf8))
        #expect(manifest["sourcePrompt"]?.stringValue == "a {red|blue} kite")
        let prompt = manifest["prompt"]?.stringValue ?? ""
        #expect(prompt.contains("red kite") || prompt.contains("blue kite"), "expanded: \(prompt)")
        #expect(!prompt.contains("{"), "expanded: \(prompt)")
    }
}
