import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// Ultra's refining pass, generating from a template, and progress previews, end to end through the
/// socket with the tiny model.
@Suite(.serialized) struct GenerationOptionsTests {
    /// The `parameters` object of a PNG's `artfactory` chunk.
    static func recordedParameters(_ path: String) throws -> JSONValue {
        let chunks = try PNGTextChunk.readAll(from: Data(contentsOf: URL(fileURLWithPath: path)))
        let text = try #require(chunks.first { $0.keyword == "artfactory" }?.text)
        return try #require(try JSONParser().parse(text)["parameters"])
    }

    /// Collects the job's notifications until its final state.
    static func follow(_ watcher: RPCClient, job: String) throws -> (progress: [JobProgress], final: JobInfo?) {
        var progress: [JobProgress] = []
        var final: JobInfo?
        let deadline = Date().addingTimeInterval(180)
        while final == nil, Date() < deadline {
            guard let n = try watcher.waitForNotification(timeout: 5), n.params["id"]?.stringValue == job else { continue }
            if n.method == "job.progress" { progress.append(try JSONValueDecoder().decode(JobProgress.self, from: try #require(n.params["progress"]))) }
            if n.method == "job.state", ["succeeded", "failed", "canceled"].contains(n.params["status"]?.stringValue ?? "") {
                final = try JSONValueDecoder().decode(JobInfo.self, from: n.params)
            }
        }
        return (progress, final)
    }

    @Test func ultraRefinesWithImageToImageAndRecordsThePass() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let watcher = try f.daemon.client()
        _ = try watcher.call(EventsSubscribe.self, .init(topics: ["job"]))
        let c = try f.daemon.client()

        // 64 px base: the pass refines the whole 256 px image in 5 × 5 tiles of 64 px (overlapping by
        // at least 8 px), Int(4 × 0.5) = 2 steps each, counted over every tile.
        var ultra = GenerationFixture.params("a red circle", count: 1, seed: 3, steps: 4)
        ultra.preset = "ultra"
        ultra.refineStrength = 0.5
        let queued = try c.call(Generate.self, ultra)
        let (progress, final) = try Self.follow(watcher, job: queued.jobId)
        let info = try #require(final)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        #expect(info.images.map(\.width) == [256] && info.images.map(\.height) == [256])
        #expect(progress.contains { $0.stage == "base" && $0.step == 4 && $0.totalSteps == 4 })
        #expect(progress.contains { $0.stage == "refine" && $0.step == 50 && $0.totalSteps == 50 })
        let refineSteps = progress.filter { $0.stage == "refine" }.map(\.step)
        #expect(refineSteps == refineSteps.sorted(), "steps only rise across the tiles: \(refineSteps)")
        let last = try #require(progress.last)
        #expect(last.stage == "refine" && last.etaSeconds != nil)
        let params = try Self.recordedParameters(info.images[0].path)
        #expect(params["refineStrength"] == .double(0.5))
        #expect(params["refineFactor"] == 4)
        #expect(params["refineSteps"] == 2)
        #expect(params["refineTiles"] == 25 && params["refineTileWidth"] == 64 && params["refineTileHeight"] == 64)
        #expect(params["upscale"] == 4)

        // One pass, capped at 128 px: the pass runs at 2× (128 px) and the last 2× is resampled.
        var capped = ultra
        capped.refineMaxSide = 128
        capped.refineStrength = nil
        capped.steps = 10
        let cappedInfo = try f.wait(try c.call(Generate.self, capped).jobId)
        #expect(cappedInfo.status == "succeeded", "\(cappedInfo.error ?? "")")
        #expect(cappedInfo.images.map(\.width) == [256])
        let cappedParams = try Self.recordedParameters(cappedInfo.images[0].path)
        #expect(cappedParams["refineFactor"] == 2)
        #expect(cappedParams["refineStrength"] == .double(0.3))
        #expect(cappedParams["refineSteps"] == 3)
        #expect(cappedParams["refineTiles"] == nil)

        // The refining pass changes the image: same base, different strength, different pixels.
        var stronger = ultra
        stronger.refineStrength = 1
        let strongerInfo = try f.wait(try c.call(Generate.self, stronger).jobId)
        let a = try PNGDecoder.decode(Data(contentsOf: URL(fileURLWithPath: info.images[0].path)))
        let b = try PNGDecoder.decode(Data(contentsOf: URL(fileURLWithPath: strongerInfo.images[0].path)))
        #expect(a.bytes != b.bytes)

        // Refine options need Ultra, and a pass with no step is refused; nothing is queued.
        let before = try c.call(JobList.self, .init()).jobs.count
        for edit in [{ (p: inout Generate.Params) in p.preset = "high"; p.refineStrength = 0.3 },
                     { (p: inout Generate.Params) in p.refineStrength = 0.05; p.steps = 4 },
                     { (p: inout Generate.Params) in p.refineMaxSide = 64 }] {
            var p = ultra
            edit(&p)
            do {
                _ = try c.call(Generate.self, p)
                Issue.record("expected a refine error")
            } catch let e as RPCError {
                #expect(e.code == RPCErrorCode.invalidParams, "\(e.message)")
                #expect(e.message.contains("refine"), "\(e.message)")
            }
        }
        #expect(try c.call(JobList.self, .init()).jobs.count == before)

        // The estimate counts every tile's refining steps: 15 steps in 25 tiles of the base size.
        let presets = try c.call(PresetList.self, .init(width: 64, height: 64, count: 2))
        let perStep = try #require(presets.secondsPerStep)
        let entry = try #require(presets.presets.first { $0.name == "ultra" })
        #expect(entry.refineSteps == 15 && entry.refineWidth == 256 && entry.refineHeight == 256 && entry.refineStrength == 0.3)
        #expect(entry.refineTiles == 25 && entry.refineTileWidth == 64 && entry.refineTileHeight == 64)
        let expected = perStep * Double(50 + 15 * 25) * 2
        #expect(abs(try #require(entry.estimatedSeconds) - expected) < 1e-9 * max(1, expected))
        // One pass at 256 px costs 16 base steps per step.
        let onePass = try c.call(PresetList.self, .init(width: 64, height: 64, count: 2, refineMaxSide: 1024))
        let onePassEntry = try #require(onePass.presets.first { $0.name == "ultra" })
        #expect(onePassEntry.refineTiles == nil && onePassEntry.refineWidth == 256)
        let onePassExpected = perStep * Double(50 + 15 * 16) * 2
        #expect(abs(try #require(onePassEntry.estimatedSeconds) - onePassExpected) < 1e-9 * max(1, onePassExpected))
        #expect(presets.presets.first { $0.name == "high" }?.refineSteps == nil)

        // The CLI shows it.
        let r = try runCLI(["preset", "list", "--width", "64", "--height", "64"], home: f.home, environment: ["ARTFACTORY_NO_AUTOSTART": "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("15 steps in 25 tiles of 64x64 at 256x256, strength 0.3"), "\(r.stdout)")
    }

    @Test func templateAppliesItsParametersAndFillsPlaceholders() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let saved = try c.call(TemplateSave.self, .init(name: "product", params: [
            "prompt": "a {{subject}} on {{background|white}}, {{prompt|studio light}}",
            "negativePrompt": "blurry {{subject}}",
            "steps": 2, "width": 64, "height": 64, "count": 1, "seed": 5,
            "defaults": ["background": "grey"],
        ]))
        var p = Generate.Params()
        p.template = "product"
        p.vars = ["subject": "teapot"]
        p.steps = 3
        let queued = try c.call(Generate.self, p)
        #expect(queued.seed == 5)
        let info = try f.wait(queued.jobId)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        #expect(info.images.count == 1 && info.images[0].width == 64)
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let generation = try catalog.generation(queued.generationId)
        #expect(generation.prompt == "a teapot on grey, studio light")
        #expect(generation.negativePrompt == "blurry teapot")
        let params = generation.params.objectValue ?? [:]
        #expect(params["steps"] == .int(3), "explicit steps win over the template's")
        #expect(params["template"] == .string("product"))
        #expect(params["templateId"] == .string(saved.id))
        #expect(params["templateVersion"] == .int(saved.version))
        #expect(params["templateVars"] == .object(["subject": .string("teapot")]))

        // The request's prompt fills {{prompt}}.
        p.prompt = "window light"
        p.vars = ["subject": "lamp", "background": "oak"]
        let second = try c.call(Generate.self, p)
        #expect(try catalog.generation(second.generationId).prompt == "a lamp on oak, window light")

        // Missing and unknown placeholders, unknown templates: clear errors, nothing queued.
        let before = try c.call(JobList.self, .init()).jobs.count
        func expectError(_ edit: (inout Generate.Params) -> Void, code: Int, mentions: String) {
            var q = Generate.Params()
            q.template = "product"
            edit(&q)
            do {
                _ = try c.call(Generate.self, q)
                Issue.record("expected an error mentioning \(mentions)")
            } catch let e as RPCError {
                #expect(e.code == code, "\(e.message)")
                #expect(e.message.contains(mentions), "\(e.message)")
            } catch { Issue.record("unexpected \(error)") }
        }
        expectError({ _ in }, code: RPCErrorCode.invalidParams, mentions: "{{subject}}")
        expectError({ $0.vars = ["subject": "cup", "colour": "red"] }, code: RPCErrorCode.invalidParams, mentions: "no placeholder 'colour'")
        expectError({ $0.template = "nope" }, code: RPCErrorCode.notFound, mentions: "product")
        expectError({ $0.template = nil; $0.prompt = "a cat"; $0.vars = ["a": "b"] }, code: RPCErrorCode.invalidParams, mentions: "template")
        _ = try c.call(TemplateSave.self, .init(name: "odd", params: ["prompt": "x", "shininess": 3]))
        expectError({ $0.template = "odd" }, code: RPCErrorCode.invalidParams, mentions: "shininess")
        #expect(try c.call(JobList.self, .init()).jobs.count == before)

        // The CLI: --template with --var; a malformed --var is a usage error.
        let env = ["ARTFACTORY_NO_AUTOSTART": "1"]
        let r = try runCLI(["generate", "--template", "product", "--var", "subject=kettle", "--json"], home: f.home, environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try JSONParser().parse(r.stdout)
        let id = try #require(out["generationId"]?.stringValue)
        #expect(try catalog.generation(id).prompt == "a kettle on grey, studio light")
        let missing = try runCLI(["generate", "--template", "product", "--json"], home: f.home, environment: env)
        #expect(missing.status == 1 && missing.stderr.contains("{{subject}}"), "\(missing.stderr)")
        let bad = try runCLI(["generate", "--template", "product", "--var", "subject"], home: f.home, environment: env)
        #expect(bad.status == 2 && bad.stderr.contains("name=value"), "\(bad.stderr)")

        // A batch's base may name the template: each prompt fills {{prompt}}.
        var base = Generate.Params()
        base.template = "product"
        base.vars = ["subject": "vase"]
        let batch = try c.call(BatchSubmit.self, .init(prompts: ["dusk", "noon"], base: base))
        #expect(try batch.generationIds.map { try catalog.generation($0).prompt } == ["a vase on grey, dusk", "a vase on grey, noon"])
        #expect(try f.wait(batch.jobId).status == "succeeded")
    }

    @Test func progressCarriesDecodablePreviewsWhenAskedFor() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let watcher = try f.daemon.client()
        _ = try watcher.call(EventsSubscribe.self, .init(topics: ["job"]))
        let c = try f.daemon.client()

        var p = GenerationFixture.params("a blue square", count: 2, seed: 8, steps: 4)
        p.width = 128
        p.previewEvery = 1
        let queued = try c.call(Generate.self, p)
        let (progress, final) = try Self.follow(watcher, job: queued.jobId)
        #expect(final?.status == "succeeded")
        let previews = progress.compactMap(\.preview)
        // At least the last step of each image carries one.
        #expect(previews.count >= 2)
        for image in 1...2 { #expect(progress.contains { $0.image == image && $0.step == 4 && $0.preview != nil }) }
        for preview in previews {
            #expect(preview.mime == "image/png")
            let png = try PNGDecoder.decode(try #require(Data(base64Encoded: preview.data)))
            // The latent grid: 128×64 pixels → 16×8 latents.
            #expect(png.width == 16 && png.height == 8 && preview.width == 16 && preview.height == 8)
        }
        // The second image's last preview uses the map refined on the first image: it resembles the
        // image (closer to its 16×8 block means than a flat grey of their mean colour).
        let lastPreview = try #require(progress.last { $0.image == 2 && $0.preview != nil }?.preview)
        let shown = try PNGDecoder.decode(try #require(Data(base64Encoded: lastPreview.data))).rgb()
        let image = try PNGDecoder.decode(Data(contentsOf: URL(fileURLWithPath: try #require(final?.images.last?.path)))).rgb()
        var blocks = [Double](repeating: 0, count: 16 * 8 * 3)
        for y in 0..<64 { for x in 0..<128 { for ch in 0..<3 { blocks[((y / 8) * 16 + x / 8) * 3 + ch] += Double(image.bytes[(y * 128 + x) * 3 + ch]) / 64 } } }
        let means = (0..<3).map { ch in stride(from: ch, to: blocks.count, by: 3).map { blocks[$0] }.reduce(0, +) / 128 }
        let previewError = blocks.indices.map { abs(blocks[$0] - Double(shown.bytes[$0])) }.reduce(0, +) / Double(blocks.count)
        let flatError = blocks.indices.map { abs(blocks[$0] - means[$0 % 3]) }.reduce(0, +) / Double(blocks.count)
        #expect(previewError < flatError, "preview \(previewError) vs flat \(flatError)")

        // The stored copy keeps no preview.
        #expect(try c.call(JobGet.self, .init(id: queued.jobId)).progress?.preview == nil)

        // Without previewEvery there are none.
        let plain = try c.call(Generate.self, GenerationFixture.params("a blue square", count: 1, seed: 8, steps: 4))
        let (plainProgress, _) = try Self.follow(watcher, job: plain.jobId)
        #expect(!plainProgress.isEmpty && plainProgress.allSatisfy { $0.preview == nil })
    }
}
