import Testing
@testable import ArtFactoryProtocol

@Suite struct ArtFactoryProtocolSmokeTests {
    @Test func moduleLinks() { _ = ArtFactoryProtocolModule.self }
}
