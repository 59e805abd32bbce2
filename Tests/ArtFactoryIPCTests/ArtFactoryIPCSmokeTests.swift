import Testing
@testable import ArtFactoryIPC

@Suite struct ArtFactoryIPCSmokeTests {
    @Test func moduleLinks() { _ = ArtFactoryIPCModule.self }
}
