import Testing
@testable import ArtFactoryEngine

@Suite struct ArtFactoryEngineSmokeTests {
    @Test func moduleLinks() { _ = Tensor.self }
}
