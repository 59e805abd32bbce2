import Testing
@testable import ArtFactoryDaemon

@Suite struct ArtFactoryDaemonSmokeTests {
    @Test func moduleLinks() { _ = ArtFactoryDaemonModule.self }
}
