import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// Style-profile sliders through the socket: profile.save stores positions and terms, generate turns
/// them into weighted terms (overridable per request), explore's slider:NAME dimension tries positions.
@Suite(.serialized) struct ProfileSliderTests {
    @Test func slidersBecomeWeightedTermsAndExploreTriesPositions() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let saved = try c.call(ProfileSave.self, .init(name: "brand", terms: [.init(term: "teal palette", weight: 1.2)],
                                                       sliders: ["warmth": 75, "film-grain": 0],
                                                       sliderTerms: ["warmth": "warm golden light"]))
        #expect(saved.sliders == ["warmth": 75, "film-grain": 0])
        #expect(saved.sliderTerms == ["warmth": "warm golden light", "film-grain": "film grain"])
        let project = try c.call(ProjectCreate.self, .init(name: "acme", defaultProfileId: saved.id))

        func prompt(_ edit: (inout Generate.Params) -> Void) throws -> String {
            var p = GenerationFixture.params("a logo", count: 1, seed: 3, steps: 1)
            p.project = project.id
            edit(&p)
            let info = try f.wait(try c.call(Generate.self, p).jobId)
            let data = try Data(contentsOf: URL(fileURLWithPath: try #require(info.images.first).path))
            return try #require(try MetadataReader.read(fromPNG: data)).prompt
        }
        // 75 -> 0.5 + 1.0 * 0.75 = 1.25; the slider at 0 adds nothing.
        let stored = try prompt { _ in }
        #expect(stored.contains("(warm golden light:1.25)"), "\(stored)")
        #expect(!stored.contains("film grain"), "\(stored)")
        // The request's positions override the profile's.
        let overridden = try prompt { $0.sliders = ["warmth": 100, "film-grain": 50] }
        #expect(overridden.contains("(warm golden light:1.5)") && overridden.contains("film grain"), "\(overridden)")
        #expect(!(try prompt { $0.sliders = ["warmth": 0] }).contains("warm golden light"))

        // Bad input says what to do and queues nothing.
        let before = try c.call(GalleryList.self, .init()).items.count
        expectError(RPCErrorCode.invalidParams, mentioning: "its sliders are film-grain, warmth") {
            var p = GenerationFixture.params("x", count: 1); p.project = project.id; p.sliders = ["luxury": 50]
            _ = try c.call(Generate.self, p)
        }
        expectError(RPCErrorCode.invalidParams, mentioning: "no profile applies") {
            var p = GenerationFixture.params("x", count: 1); p.sliders = ["warmth": 50]
            _ = try c.call(Generate.self, p)
        }
        expectError(RPCErrorCode.invalidParams) {
            var p = GenerationFixture.params("x", count: 1); p.project = project.id; p.sliders = ["warmth": 101]
            _ = try c.call(Generate.self, p)
        }
        #expect(try c.call(GalleryList.self, .init()).items.count == before)
        expectError(RPCErrorCode.invalidParams, mentioning: "from 0 (off) to 100") {
            _ = try c.call(ProfileSave.self, .init(name: "bad", terms: [], sliders: ["warmth": 150]))
        }
        expectError(RPCErrorCode.invalidParams, mentioning: "not one of the profile's sliders") {
            _ = try c.call(ProfileSave.self, .init(name: "bad", terms: [], sliders: ["warmth": 10], sliderTerms: ["cold": "ice"]))
        }
        expectError(RPCErrorCode.invalidParams, mentioning: "letters, digits") {
            _ = try c.call(ProfileSave.self, .init(name: "bad", terms: [], sliders: ["two words": 10]))
        }
        // An update that drops a slider drops its term; one without sliders keeps them.
        let kept = try c.call(ProfileSave.self, .init(id: saved.id, name: "brand", terms: [.init(term: "teal palette", weight: 1.2)]))
        #expect(kept.sliders == saved.sliders && kept.sliderTerms == saved.sliderTerms)

        // Exploration over slider positions: each draw's image carries its position's weight.
        let run = try c.call(ExploreCreate.self, .init(
            name: "warmth", prompt: "a {colour} logo", dimensions: [.init(name: "colour", values: ["red"]), .init(name: "slider:warmth", values: ["0", "100"])],
            seed: 4, projectId: project.id, params: ["width": 64, "height": 64, "steps": 1, "model": "sd1-tiny"]))
        let draws = try c.call(ExploreRunMethod.self, .init(id: run.id, count: 4)).draws
        #expect(draws.count == 4)
        for d in draws {
            let job = try f.wait(try #require(d.jobId))
            let data = try Data(contentsOf: URL(fileURLWithPath: try #require(job.images.first).path))
            let text = try #require(try MetadataReader.read(fromPNG: data)).prompt
            let position = try #require(d.choice.first { $0.dimension == "slider:warmth" }?.value)
            #expect(position == "100" ? text.contains("(warm golden light:1.5)") : !text.contains("warm golden light"), "\(position): \(text)")
        }
        expectError(RPCErrorCode.invalidParams, mentioning: "slider positions 0 to 100") {
            _ = try c.call(ExploreCreate.self, .init(name: "x", prompt: "a", dimensions: [.init(name: "slider:warmth", values: ["200"])]))
        }
        // A slider the profile lacks fails at explore.run, before anything is queued.
        let lacking = try c.call(ExploreCreate.self, .init(name: "lacking", prompt: "a logo", dimensions: [.init(name: "slider:luxury", values: ["10"])],
                                                           projectId: project.id, params: ["model": "sd1-tiny", "width": 64, "height": 64]))
        expectError(RPCErrorCode.invalidParams, mentioning: "no slider 'luxury'") { _ = try c.call(ExploreRunMethod.self, .init(id: lacking.id, count: 1)) }
        #expect(try c.call(ExploreGet.self, .init(id: lacking.id)).run.draws == 0)

        // The CLI: --slider NAME=POSITION[:TERM], shown by profile list; a bad position is a usage error.
        let env = ["ARTFACTORY_NO_AUTOSTART": "1"]
        let cli = try runCLI(["profile", "save", "cli-brand", "teal", "--slider", "warmth=40:sun glow", "--slider", "film-grain=5", "--json"],
                             home: f.home, environment: env)
        #expect(cli.status == 0 && cli.stdout.contains("sun glow"), "\(cli.stderr)")
        let listed = try runCLI(["profile", "list"], home: f.home, environment: env).stdout
        #expect(listed.contains("film-grain=5") && listed.contains("warmth=40 (sun glow)"), "\(listed)")
        let bad = try runCLI(["profile", "save", "cli-bad", "teal", "--slider", "warmth=hot"], home: f.home, environment: env)
        #expect(bad.status != 0 && bad.stderr.contains("0 to 100"), "\(bad.stderr)")
    }
}
