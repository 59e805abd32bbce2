import Testing
@testable import ArtFactoryPrompts

@Suite struct ArtFactoryPromptsSmokeTests {
    @Test func moduleLinks() { _ = ArtFactoryPromptsModule.self }
}
