import Testing
@testable import ArtFactoryEngine

@Suite struct CLIPTextModelTests {
    @Test(arguments: ["sd1-tiny", "sd2-tiny", "sd1-inpaint-tiny"])
    func hiddenStatesMatchTransformers(pipeline: String) throws {
        let model = try CLIPTextModel(directory: EngineFixtures.pipeline(pipeline) + "/text_encoder")
        let refs = try EngineFixtures.references(pipeline)
        let ids = EngineFixtures.tokenRows(try refs.tensor(named: "text.input_ids"))
        let last = try model.encode(tokenIDs: ids, clipSkip: 1)
        expectClose(last, try refs.tensor(named: "text.last_hidden_state"), "\(pipeline) last layer")
        let skipped = try model.encode(tokenIDs: ids, clipSkip: 2)
        expectClose(skipped, try refs.tensor(named: "text.clip_skip_2"), "\(pipeline) clip skip 2")
    }

    @Test func outOfVocabularyTokenIsAnError() throws {
        let model = try CLIPTextModel(directory: EngineFixtures.pipeline("sd1-tiny") + "/text_encoder")
        #expect(throws: EngineError.self) { try model.encode(tokenIDs: [[49406, 60000]], clipSkip: 1) }
        #expect(throws: EngineError.self) { try model.encode(tokenIDs: [[49406]], clipSkip: 9) }
        #expect(throws: EngineError.self) { try model.encode(tokenIDs: [Array(repeating: 1, count: 78)], clipSkip: 1) }
    }
}
