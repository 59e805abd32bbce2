import Testing
@testable import ArtFactoryImaging

@Suite struct ArtFactoryImagingSmokeTests {
    @Test func moduleLinks() { _ = ArtFactoryImagingModule.self }
}
