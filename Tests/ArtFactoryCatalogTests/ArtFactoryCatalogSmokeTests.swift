import Testing
@testable import ArtFactoryCatalog

@Suite struct ArtFactoryCatalogSmokeTests {
    @Test func moduleLinks() { _ = ArtFactoryCatalogModule.self }
}
