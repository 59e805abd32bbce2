import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// `generate` end to end through the socket with the tiny real model.
@Suite(.serialized) struct GenerationTests {
    @Test func generateStoresImagesWithProgressAndReproducesExactly() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let watcher = try f.daemon.client()
        _ = try watcher.call(EventsSubscribe.self, .init(topics: ["job"]))
        let c = try f.daemon.client()
        let models = try c.call(ModelsList.self, NoParams())
        #expect(models.models.map(\.name) == ["sd1-tiny"])
        #expect(models.defaultModel == "sd1-tiny")
        #expect(models.models[0].loaded == false)
        let load = try c.call(ModelsLoad.self, .init())
        #expect(load.resident == ["sd1-tiny"])
        #expect(try c.call(ModelsList.self, NoParams()).models[0].loaded)
        #expect(try c.call(ModelsUnload.self, .init(name: "sd1-tiny")).resident.isEmpty)
        do {
            _ = try c.call(ModelsLoad.self, .init(name: "nope"))
            Issue.record("loading an unknown model must fail")
        } catch let e as RPCError { #expect(e.code == RPCErrorCode.notFound) }

        var params = GenerationFixture.params("a red {circle|square}", count: 2, seed: 42)
        params.tags = ["shapes"]
        let queued = try c.call(Generate.self, params)
        #expect(queued.seed == 42)
        #expect(queued.model == "sd1-tiny")

        // Notifications: progress with steps and image index, then the final state.
        var progress: [JobProgress] = []
        var final: JobInfo?
        let deadline = Date().addingTimeInterval(120)
        while final == nil, Date() < deadline {
            guard let n = try watcher.waitForNotification(timeout: 5), n.params["id"]?.stringValue == queued.jobId else { continue }
            if n.method == "job.progress" { progress.append(try JSONValueDecoder().decode(JobProgress.self, from: try #require(n.params["progress"]))) }
            if n.method == "job.state", n.params["status"] == "succeeded" { final = try JSONValueDecoder().decode(JobInfo.self, from: n.params) }
        }
        #expect(final != nil)
        #expect(progress.contains { $0.image == 2 && $0.step == 3 && $0.totalSteps == 3 && $0.images == 2 })
        #expect(progress.allSatisfy { $0.etaSeconds != nil })

        let info = try c.call(JobGet.self, .init(id: queued.jobId))
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        #expect(info.generationId == queued.generationId)
        #expect(info.images.map(\.seed) == [42, 43])
        for image in info.images {
            #expect(image.width == 64 && image.height == 64)
            #expect(FileManager.default.fileExists(atPath: image.path))
            #expect(FileManager.default.fileExists(atPath: try #require(image.thumbnail)))
            var st = stat()
            #expect(stat(image.path, &st) == 0 && st.st_mode & 0o777 == 0o600)
            let data = try Data(contentsOf: URL(fileURLWithPath: image.path))
            let meta = try #require(try MetadataReader.read(fromPNG: data))
            #expect(meta.seed == UInt64(image.seed))
            #expect(meta.prompt == "a red circle" || meta.prompt == "a red square")
        }
        // Listings show each image's own seed (the one its PNG records), not the generation's first.
        let listed = try c.call(GalleryList.self, .init()).items
        #expect(Dictionary(uniqueKeysWithValues: listed.map { ($0.id, $0.seed) })
                == Dictionary(uniqueKeysWithValues: info.images.map { ($0.assetId, Optional($0.seed)) }))

        // Rows in the catalog: the generation with its assets and tag.
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let detail = try catalog.generationDetail(queued.generationId)
        #expect(detail.generation.status == .succeeded)
        #expect(detail.generation.seed == 42)
        #expect(detail.assets.count == 2)
        #expect(detail.tags.values.allSatisfy { $0.map(\.name) == ["shapes"] })

        // --reorder reproduces pixel for pixel; --again uses a new seed.
        var reorder = Generate.Params()
        reorder.reorder = queued.generationId
        let again0 = try c.call(Generate.self, reorder)
        #expect(again0.seed == 42)
        let reproduced = try f.wait(again0.jobId)
        #expect(reproduced.status == "succeeded")
        for (a, b) in zip(info.images, reproduced.images) {
            let pa = try PNGDecoder.decode(Data(contentsOf: URL(fileURLWithPath: a.path)))
            let pb = try PNGDecoder.decode(Data(contentsOf: URL(fileURLWithPath: b.path)))
            #expect(pa == pb)
        }
        var again = Generate.Params()
        again.again = queued.generationId
        var seeds: Set<Int64> = []
        for _ in 0..<3 { seeds.insert(try c.call(Generate.self, again).seed) }
        #expect(seeds.count > 1 || !seeds.contains(42))

        // img2img from an output: the parent is recorded.
        var img2img = GenerationFixture.params("a blue circle", count: 1, seed: 7)
        img2img.source = info.images[0].assetId
        img2img.strength = 0.5
        let child = try c.call(Generate.self, img2img)
        #expect(try f.wait(child.jobId).status == "succeeded")
        #expect(try catalog.generation(child.generationId).parentGenerationId == queued.generationId)

        // Presets: High upscales 2x; estimates come from the step times just measured.
        var high = GenerationFixture.params("a yellow star", count: 1, seed: 9, steps: 2)
        high.preset = "high"
        let upscaled = try f.wait(try c.call(Generate.self, high).jobId)
        #expect(upscaled.images.map(\.width) == [128])
        let presets = try c.call(PresetList.self, .init(width: 64, height: 64, count: 2))
        #expect(presets.presets.map(\.steps) == [15, 28, 40, 50])
        #expect(presets.presets.map(\.upscale) == [1, 1, 2, 4])
        let perStep = try #require(presets.secondsPerStep)
        #expect(perStep > 0)
        #expect(presets.presets[0].estimatedSeconds == perStep * 30)
    }

    @Test func badInputIsRejectedAndNothingIsQueued() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let notImage = f.home + "/not-an-image.png"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notImage))
        let source = f.home + "/source.png"
        try PNGEncoder().encode(try PixelBuffer(width: 64, height: 64, channels: 3, filledWith: 128)).write(to: URL(fileURLWithPath: source))
        let smallMask = f.home + "/mask.png"
        try PNGEncoder().encode(try PixelBuffer(width: 32, height: 32, channels: 3, filledWith: 255)).write(to: URL(fileURLWithPath: smallMask))

        func expectError(_ edit: (inout Generate.Params) -> Void, code: Int, mentions: String) {
            var p = GenerationFixture.params("a cat")
            edit(&p)
            do {
                _ = try c.call(Generate.self, p)
                Issue.record("expected an error mentioning \(mentions)")
            } catch let e as RPCError {
                #expect(e.code == code, "\(e.message)")
                #expect(e.message.contains(mentions), "\(e.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        expectError({ $0.prompt = String(repeating: "a", count: 501) }, code: RPCErrorCode.invalidParams, mentions: "500")
        expectError({ $0.model = "nope" }, code: RPCErrorCode.notFound, mentions: "sd1-tiny")
        expectError({ $0.width = 100 }, code: RPCErrorCode.invalidParams, mentions: "multiple of 8")
        expectError({ $0.count = 0 }, code: RPCErrorCode.limitExceeded, mentions: "count")
        expectError({ $0.count = 1000 }, code: RPCErrorCode.limitExceeded, mentions: "count")
        expectError({ $0.prompt = "a {red|blue cat" }, code: RPCErrorCode.invalidParams, mentions: "cannot be expanded")
        expectError({ $0.prompt = "a __missing__ cat" }, code: RPCErrorCode.invalidParams, mentions: "missing")
        expectError({ $0.source = notImage }, code: RPCErrorCode.invalidFile, mentions: "not an image")
        expectError({ $0.source = "relative.png" }, code: RPCErrorCode.pathNotAllowed, mentions: "absolute")
        expectError({ $0.source = source; $0.mask = smallMask }, code: RPCErrorCode.invalidFile, mentions: "same size")
        expectError({ $0.sampler = "warp" }, code: RPCErrorCode.invalidParams, mentions: "sampler")
        expectError({ $0.session = "ses_nope" }, code: RPCErrorCode.notFound, mentions: "ses_nope")
        #expect(try c.call(JobList.self, .init()).jobs.isEmpty)
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        #expect(try catalog.generations().isEmpty)
    }

    @Test func cliGenerateWaitPrintsJSONAndPaths() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let env = ["ARTFACTORY_NO_AUTOSTART": "1"]
        let r = try runCLI(["generate", "a green triangle", "--count", "2", "--steps", "2", "--width", "64", "--height", "64",
                            "--seed", "5", "--tag", "cli", "--wait", "--json"], home: f.home, environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONParser().parse(r.stdout)
        #expect(json["status"] == "succeeded")
        let images = try #require(json["images"]?.arrayValue)
        #expect(images.count == 2)
        #expect(images.map { $0["seed"]?.intValue } == [5, 6])
        for image in images {
            #expect(FileManager.default.fileExists(atPath: try #require(image["path"]?.stringValue)))
            #expect(image["width"] == 64 && image["height"] == 64)
            #expect(image["thumbnail"]?.stringValue?.hasSuffix(".webp") == true)
        }
        let plain = try runCLI(["generate", "a green triangle", "--count", "1", "--steps", "2", "--width", "64", "--height", "64",
                                "--wait"], home: f.home, environment: env)
        #expect(plain.status == 0)
        #expect(plain.stdout.hasSuffix(".png\n"))
        let bad = try runCLI(["generate", "x", "--width", "100"], home: f.home, environment: env)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("multiple of 8"))
        let list = try runCLI(["jobs", "list", "--json"], home: f.home, environment: env)
        #expect(try JSONParser().parse(list.stdout)["jobs"]?.arrayValue?.count == 2)
        let models = try runCLI(["models", "list"], home: f.home, environment: env)
        #expect(models.stdout.contains("* sd1-tiny"))
        #expect(try runCLI(["queue", "pause"], home: f.home, environment: env).stdout.contains("paused"))
        #expect(try runCLI(["queue", "resume"], home: f.home, environment: env).stdout.contains("running"))
    }

    @Test func sessionTreeRecordsBranchesAndTheCLIDrawsIt() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let session = try c.call(SessionCreate.self, .init(name: "poster"))
        var root = GenerationFixture.params("a lighthouse", count: 1, seed: 1, steps: 2)
        root.session = session.id
        let first = try c.call(Generate.self, root)
        let firstInfo = try f.wait(first.jobId)
        var branch = GenerationFixture.params("a lighthouse at night", count: 1, seed: 2, steps: 2)
        branch.session = session.id
        branch.source = try #require(firstInfo.images.first).assetId
        let second = try c.call(Generate.self, branch)
        #expect(try f.wait(second.jobId).status == "succeeded")

        let tree = try c.call(SessionGet.self, .init(id: session.id))
        #expect(tree.nodes.map(\.generationId) == [first.generationId, second.generationId])
        #expect(tree.nodes[1].parentId == first.generationId)
        #expect(tree.nodes.allSatisfy { $0.status == "succeeded" && $0.assetIds.count == 1 && $0.durationMs != nil })
        #expect(tree.nodes[0].parameters["steps"] == 2)
        #expect(tree.nodes[0].parameters["modelPath"] == nil)
        #expect(try c.call(SessionList.self, .init()).sessions.map(\.id) == [session.id])
        do {
            _ = try c.call(SessionGet.self, .init(id: "ses_nope"))
            Issue.record("an unknown session must fail")
        } catch let e as RPCError { #expect(e.code == RPCErrorCode.notFound) }

        let shown = try runCLI(["session", "show", session.id], home: f.home, environment: ["ARTFACTORY_NO_AUTOSTART": "1"])
        #expect(shown.status == 0)
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("└─ \(first.generationId)"))
        #expect(lines[2].hasPrefix("   └─ \(second.generationId)"))
    }

    @Test func promptPreviewExpandsAndCountsCLIPTokens() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let r = try c.call(PromptPreview.self, .init(prompt: "a {red|blue} lighthouse", count: 5, mode: "combinatorial"))
        #expect(r.finals.map(\.prompt) == ["a red lighthouse", "a blue lighthouse"])
        #expect(r.combinationCount == 2)
        #expect(r.tokenWindow == 75)
        #expect(r.finals.allSatisfy { $0.tokenCount == 3 })
        let long = try c.call(PromptPreview.self, .init(prompt: String(repeating: "red, ", count: 99), count: 1))
        #expect(long.warnings.contains { $0.code == "over_window" })
        do {
            _ = try c.call(PromptPreview.self, .init(prompt: "a {red|blue"))
            Issue.record("broken syntax must fail")
        } catch let e as RPCError { #expect(e.code == RPCErrorCode.invalidParams) }
        let cli = try runCLI(["prompt", "preview", "a {red|blue} lighthouse", "--combinatorial"], home: f.home,
                             environment: ["ARTFACTORY_NO_AUTOSTART": "1"])
        #expect(cli.stdout.contains("2. a blue lighthouse  [3/75 tokens]"))
    }

    @Test func projectStyleProfileAppliesUnlessTurnedOff() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let profile = try catalog.createProfile("brand", terms: [ProfileTerm(term: "teal palette", weight: 1.2)])
        let project = try catalog.createProject("acme", defaultProfileId: profile.id)
        let c = try f.daemon.client()
        func prompt(_ edit: (inout Generate.Params) -> Void) throws -> String {
            var p = GenerationFixture.params("a logo", count: 1, seed: 3, steps: 1)
            p.project = project.id
            edit(&p)
            let info = try f.wait(try c.call(Generate.self, p).jobId)
            let data = try Data(contentsOf: URL(fileURLWithPath: try #require(info.images.first).path))
            return try #require(try MetadataReader.read(fromPNG: data)).prompt
        }
        #expect(try prompt { _ in }.contains("teal palette"))
        #expect(try prompt { $0.useProfile = false } == "a logo")
        do {
            _ = try c.call(Generate.self, { var p = GenerationFixture.params("x"); p.profile = "prf_nope"; return p }())
            Issue.record("an unknown profile must fail")
        } catch let e as RPCError { #expect(e.code == RPCErrorCode.notFound) }
    }
}
