import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// Exploration by Thompson sampling through the real socket: convergence on a simulated run,
/// reproducibility, the explore knob, bad input, and real images whose reviews teach the run.
@Suite(.serialized) struct ExploreTests {
    static let styles = ["watercolor", "neon", "charcoal", "pixel art", "baroque"]

    /// Deterministic outcomes (SplitMix64), independent of the daemon's sampler.
    struct Outcomes {
        var state: UInt64
        mutating func approve(probability: Double) -> Bool {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53) < probability
        }
    }

    /// Draws one at a time, approving `watercolor` 80 % and the others 20 %; returns the styles chosen.
    static func simulate(_ c: RPCClient, runId: String, draws: Int, seed: UInt64) throws -> [String] {
        var outcomes = Outcomes(state: seed)
        var chosen: [String] = []
        for _ in 0..<draws {
            let draw = try #require(try c.call(ExploreDrawMethod.self, .init(id: runId)).draws.first)
            let style = try #require(draw.choice.first { $0.dimension == "style" }?.value)
            #expect(draw.prompt == "a fox, \(style)")
            chosen.append(style)
            let approved = outcomes.approve(probability: style == "watercolor" ? 0.8 : 0.2)
            _ = try c.call(ExploreReport.self, .init(drawId: draw.id, verdict: approved ? .approve : .reject))
        }
        return chosen
    }

    static func create(_ c: RPCClient, seed: Int64, explore: Double = 0.5) throws -> ExploreInfo {
        try c.call(ExploreCreate.self, .init(name: "fox styles", prompt: "a fox, {style}",
                                             dimensions: [.init(name: "style", values: styles)], explore: explore, seed: seed))
    }

    @Test func thompsonSamplingConvergesOnTheApprovedElement() throws {
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        let run = try Self.create(c, seed: 2026)
        #expect(run.dimensions.first?.arms.map(\.value) == Self.styles && run.dimensions[0].arms.allSatisfy { $0.alpha == 1 && $0.beta == 1 })

        let chosen = try Self.simulate(c, runId: run.id, draws: 200, seed: 99)
        let lastFifty = chosen.suffix(50).filter { $0 == "watercolor" }.count
        #expect(lastFifty >= 35, "watercolor chosen \(lastFifty) of the last 50 draws")

        // The posteriors (shown by explore.get and `artfactory analytics explore`) agree.
        let got = try c.call(ExploreGet.self, .init(id: run.id, draws: 5))
        let arms = got.run.dimensions[0].arms
        let best = try #require(arms.max { $0.mean < $1.mean })
        #expect(best.value == "watercolor" && best.mean > 0.6)
        #expect(arms.map(\.drawn).reduce(0, +) == 200 && got.run.draws == 200 && got.draws.map(\.seq) == [200, 199, 198, 197, 196])
        #expect(arms.allSatisfy { $0.alpha == Double(1 + $0.approved) && $0.beta == Double(1 + $0.rejected) })

        // Same seed, same outcomes: the same choices (the sampler state is stored with the run).
        let again = try Self.create(c, seed: 2026)
        #expect(try Self.simulate(c, runId: again.id, draws: 40, seed: 99) == Array(chosen.prefix(40)))

        // The knob: 0 always takes the best mean; 1 spreads over every value.
        let greedy = try c.call(ExploreDrawMethod.self, .init(id: run.id, count: 30, explore: 0)).draws
        #expect(greedy.allSatisfy { $0.choice[0].value == "watercolor" })
        let uniform = try c.call(ExploreDrawMethod.self, .init(id: run.id, count: 100, explore: 1)).draws
        #expect(Set(uniform.map { $0.choice[0].value }) == Set(Self.styles))

        // Reporting again moves the posterior by the difference only; clearing takes it back.
        let d = try #require(greedy.first)
        let before = try c.call(ExploreGet.self, .init(id: run.id, draws: 0)).run.dimensions[0].arms[0]
        _ = try c.call(ExploreReport.self, .init(drawId: d.id, verdict: .approve))
        _ = try c.call(ExploreReport.self, .init(drawId: d.id, verdict: .approve))
        #expect(try c.call(ExploreGet.self, .init(id: run.id, draws: 0)).run.dimensions[0].arms[0].approved == before.approved + 1)
        _ = try c.call(ExploreReport.self, .init(drawId: d.id, verdict: .clear))
        #expect(try c.call(ExploreGet.self, .init(id: run.id, draws: 0)).run.dimensions[0].arms[0].approved == before.approved)

        // Bad input changes nothing.
        let runs = try c.call(ExploreList.self, NoParams()).runs.count
        expectError(RPCErrorCode.invalidParams, mentioning: "{mood}") {
            _ = try c.call(ExploreCreate.self, .init(name: "x", prompt: "a {mood} fox", dimensions: [.init(name: "style", values: ["a"])]))
        }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(ExploreCreate.self, .init(name: "x", prompt: "a", dimensions: [])) }
        expectError(RPCErrorCode.invalidParams) {
            _ = try c.call(ExploreCreate.self, .init(name: "x", prompt: "{s}", dimensions: [.init(name: "s", values: ["a", "a"])]))
        }
        expectError(RPCErrorCode.invalidParams) {
            _ = try c.call(ExploreCreate.self, .init(name: "x", prompt: "{s}", dimensions: [.init(name: "s", values: ["a"])], explore: 1.5))
        }
        expectError(RPCErrorCode.invalidParams) {
            _ = try c.call(ExploreCreate.self, .init(name: "x", prompt: "{s}", dimensions: [.init(name: "s", values: ["a"])], params: ["nonsense": 1]))
        }
        expectError(RPCErrorCode.invalidParams) {
            _ = try c.call(ExploreCreate.self, .init(name: "x", prompt: "{s}", dimensions: [.init(name: "seed", values: ["x"]), .init(name: "s", values: ["a"])]))
        }
        #expect(try c.call(ExploreList.self, NoParams()).runs.count == runs)
        expectError(RPCErrorCode.notFound) { _ = try c.call(ExploreDrawMethod.self, .init(id: "exp_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(ExploreReport.self, .init(drawId: "drw_01JZZZZZZZZZZZZZZZZZZZZZZZ", verdict: .approve)) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(ExploreDrawMethod.self, .init(id: run.id, count: 0)) }
        _ = try c.call(ExploreDelete.self, .init(id: again.id))
        expectError(RPCErrorCode.notFound) { _ = try c.call(ExploreGet.self, .init(id: again.id)) }
        _ = daemon.stop()
    }

    @Test func realRunGeneratesImagesAndLearnsFromTheirReviews() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let run = try c.call(ExploreCreate.self, .init(
            name: "real", prompt: "a {colour} square", dimensions: [.init(name: "colour", values: ["red", "blue"]), .init(name: "seed", values: ["5", "6"])],
            seed: 3, params: ["width": 64, "height": 64, "steps": 2, "model": "sd1-tiny"]))
        let made = try c.call(ExploreRunMethod.self, .init(id: run.id, count: 2)).draws
        #expect(made.count == 2 && made.allSatisfy { $0.generationId != nil && $0.jobId != nil })
        var images: [String] = []
        for d in made {
            let job = try f.wait(try #require(d.jobId))
            #expect(job.status == "succeeded", "\(job)")
            #expect(job.images.first?.seed == Int64(try #require(d.choice.first { $0.dimension == "seed" }?.value)))
            images += job.images.map(\.assetId)
        }
        #expect(images.count == 2)
        // Reviewing the images moves the posteriors of the values their draws chose.
        _ = try c.call(GalleryReview.self, .init(verdict: .approve, ids: [images[0]]))
        _ = try c.call(GalleryReview.self, .init(verdict: .reject, ids: [images[1]]))
        let arms = try c.call(ExploreGet.self, .init(id: run.id)).run.dimensions.flatMap(\.arms)
        #expect(arms.map(\.approved).reduce(0, +) == 2 && arms.map(\.rejected).reduce(0, +) == 2, "one value per dimension per draw")
        let first = made[0].choice.map(\.value)
        #expect(arms.filter { first.contains($0.value) }.allSatisfy { $0.approved >= 1 })
        expectError(RPCErrorCode.invalidParams, mentioning: "gallery.review") { _ = try c.call(ExploreReport.self, .init(drawId: made[0].id, verdict: .approve)) }
        // Images are tagged and in the gallery like any other.
        #expect(try c.call(GalleryList.self, .init(filter: GalleryFilter(tags: ["explore"]))).items.count == 2)
        // A run whose parameters generate refuses queues nothing.
        let bad = try c.call(ExploreCreate.self, .init(name: "bad", prompt: "{c}", dimensions: [.init(name: "c", values: ["x"])],
                                                       params: ["model": "no-such-model"]))
        #expect(throws: RPCError.self) { _ = try c.call(ExploreRunMethod.self, .init(id: bad.id, count: 1)) }
        #expect(try c.call(ExploreGet.self, .init(id: bad.id)).run.draws == 0)
    }
}
