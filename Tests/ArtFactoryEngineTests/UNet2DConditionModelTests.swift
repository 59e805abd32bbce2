import Testing
@testable import ArtFactoryEngine

@Suite struct UNet2DConditionModelTests {
    @Test(arguments: ["sd1-tiny", "sd2-tiny", "sd1-inpaint-tiny"])
    func forwardMatchesDiffusers(pipeline: String) throws {
        let unet = try UNet2DConditionModel(directory: EngineFixtures.pipeline(pipeline) + "/unet")
        let refs = try EngineFixtures.references(pipeline)
        let timestep = (try EngineFixtures.scalars(pipeline)["timestep"] as? Double).map(Float.init) ?? -1
        let out = try unet.predict(sample: try refs.tensor(named: "unet.sample"), timestep: timestep,
                                   context: try refs.tensor(named: "unet.context"))
        expectClose(out, try refs.tensor(named: "unet.out"), "\(pipeline) UNet")
    }

    @Test func wrongInputShapesAreErrors() throws {
        let unet = try UNet2DConditionModel(directory: EngineFixtures.pipeline("sd1-tiny") + "/unet")
        let context = Tensor(shape: [1, 77, 16])
        #expect(throws: EngineError.self) { try unet.predict(sample: Tensor(shape: [1, 3, 8, 8]), timestep: 1, context: context) }
        #expect(throws: EngineError.self) { try unet.predict(sample: Tensor(shape: [1, 4, 8, 8]), timestep: 1, context: Tensor(shape: [1, 77, 8])) }
        #expect(throws: EngineError.self) { try unet.predict(sample: Tensor(shape: [1, 4, 8, 8]), timestep: .nan, context: context) }
    }
}
