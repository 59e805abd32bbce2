import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// Remote generation end to end through the socket, one fake provider per test (loopback HTTP,
/// the documented request/response shapes and status sequences).
@Suite(.serialized) struct RemoteProviderTests {
    static let falKey = "fal-test-key:1f2e3d4c5b6a7980aa55"
    static let replicateKey = "r8_TestTokenReplicate0000beef"
    static let civitaiKey = "civitai-test-token-77c0ffee"

    @Test func falGeneratesThroughTheQueueAndImagesLandInTheGalleryWithProviderMetadata() throws {
        let fal = try FakeFal(validKey: Self.falKey, image: RemoteFixture.png)
        defer { fal.stop() }
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL)])
        defer { f.cleanUp() }
        // Key through the real CLI, on stdin (not a terminal): stored 0600.
        let set = try runCLI(["provider", "set-key", "fal"], home: f.home, stdin: Self.falKey + "\n")
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains(String(Self.falKey.suffix(4))))
        var st = stat()
        #expect(stat(f.home + "/credentials.json", &st) == 0 && st.st_mode & 0o777 == 0o600)

        let c = try f.daemon.client()
        let watcher = try f.daemon.client()
        _ = try watcher.call(EventsSubscribe.self, .init(topics: ["job"]))
        let models = try f.call(c, ModelsList.self, NoParams())
        let fast = try #require(models.models.first { $0.name == "fal:fal-ai/fast-sdxl" })
        #expect(fast.provider == "fal" && fast.format == "remote" && fast.capabilities == ["txt2img"] && fast.modelId == "fal-ai/fast-sdxl")
        #expect(!models.models.contains { $0.provider == "replicate" }, "providers without a key list no models")

        var params = RemoteFixture.params("fal:fal-ai/fast-sdxl", count: 2, seed: 7)
        params.negativePrompt = "fog"
        params.tags = ["remote"]
        params.params = ["enable_safety_checker": false, "format": "png"]
        let queued = try f.call(c, Generate.self, params)
        #expect(queued.provider == "fal")
        #expect(abs((queued.estimatedCost ?? 0) - 0.006) < 1e-9)

        var details: [String] = []
        var final: JobInfo?
        let deadline = Date().addingTimeInterval(180)
        while final == nil, Date() < deadline {
            guard let n = try watcher.waitForNotification(timeout: 2), n.params["id"]?.stringValue == queued.jobId else { continue }
            f.note(JSONWriter.string(n.params))
            if n.method == "job.progress", let d = n.params["progress"]?["detail"]?.stringValue { details.append(d) }
            if n.method == "job.state", ["succeeded", "failed"].contains(n.params["status"]?.stringValue ?? "") {
                final = try JSONValueDecoder().decode(JobInfo.self, from: n.params)
            }
        }
        #expect(final?.status == "succeeded", "\(final?.error ?? "no final state")")
        #expect(details.contains { $0.hasPrefix("queued at fal") })
        #expect(details.contains("running at fal"))
        #expect(details.contains { $0.hasPrefix("downloading image") })

        let info = try f.wait(queued.jobId)
        #expect(info.kind == "remote")
        #expect(info.images.count == 2)
        #expect(info.images.map(\.seed) == [7, 8])
        for image in info.images {
            #expect(FileManager.default.fileExists(atPath: image.path))
            let meta = try #require(try MetadataReader.read(fromPNG: Data(contentsOf: URL(fileURLWithPath: image.path))))
            #expect(meta.prompt == "a lighthouse at dusk")
            #expect(meta.negativePrompt == "fog")
            let record = try #require(meta.rawJSON.flatMap { try? JSONParser().parse($0) })
            #expect(record["provider"] == "fal")
            #expect(record["model"] == "fal:fal-ai/fast-sdxl")
            #expect(record["remoteId"]?.stringValue?.isEmpty == false)
            #expect(record["parameters"]?["timings"]?["inference"] == .double(0.25))
        }
        // What fal received: the documented queue input, our pass-through, the key scheme.
        let submit = try #require(fal.lastSubmit)
        #expect(submit["prompt"] == "a lighthouse at dusk")
        #expect(submit["negative_prompt"] == "fog")
        #expect(submit["image_size"] == ["width": 64, "height": 64])
        #expect(submit["num_images"] == 2 && submit["seed"] == 7 && submit["num_inference_steps"] == 4)
        #expect(submit["enable_safety_checker"] == .bool(false) && submit["format"] == "png")
        #expect(fal.requests.filter { $0.components.first != "files" }.allSatisfy { $0.headers["authorization"] == "Key \(Self.falKey)" })
        #expect(fal.requests.filter { $0.components.first == "files" }.allSatisfy { $0.headers["authorization"] == nil },
                "result files on another origin never get the key")

        // The catalog: provider, remote id, cost and timings on the generation; tag on the images.
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let detail = try catalog.generationDetail(queued.generationId)
        #expect(detail.generation.provider == "fal")
        #expect(detail.generation.status == .succeeded)
        #expect(detail.generation.remoteId?.isEmpty == false)
        #expect(abs((detail.generation.cost ?? 0) - 0.006) < 1e-9)
        #expect(detail.assets.count == 2)
        #expect(detail.tags.values.allSatisfy { $0.map(\.name) == ["remote"] })

        let providers = try f.call(c, ProviderList.self, NoParams()).providers
        let falInfo = try #require(providers.first { $0.name == "fal" })
        #expect(falInfo.keySet && falInfo.keySource == "file" && falInfo.keyLast4 == String(Self.falKey.suffix(4)))
        #expect(falInfo.reachability.state == "ok" && falInfo.imagesToday == 2)
        #expect(try f.call(c, DaemonStatus.self, NoParams()).providers?["fal"]?.state == "ok")
        #expect(try f.call(c, DaemonStatus.self, NoParams()).providers?["replicate"]?.state == "unknown")
    }

    @Test func replicatePredictionWithPreferWaitAndMetrics() throws {
        let rep = try FakeReplicate(validKey: Self.replicateKey, image: RemoteFixture.png)
        defer { rep.stop() }
        let f = try RemoteFixture(providers: ["replicate": RemoteFixture.settings(rep.baseURL)], environment: ["REPLICATE_API_TOKEN": Self.replicateKey])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let info = try f.call(c, ProviderList.self, NoParams()).providers.first { $0.name == "replicate" }
        #expect(info?.keySource == "environment" && info?.keyLast4 == "beef")
        #expect(try f.call(c, ProviderTest.self, .init(name: "replicate")).ok)

        var params = RemoteFixture.params("replicate:black-forest-labs/flux-schnell", count: 1, seed: 11)
        params.params = ["go_fast": true]
        let queued = try f.call(c, Generate.self, params)
        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(done.images.count == 1)
        let submit = try #require(rep.lastSubmit)
        #expect(submit["input"]?["prompt"] == "a lighthouse at dusk")
        #expect(submit["input"]?["num_outputs"] == 1 && submit["input"]?["seed"] == 11 && submit["input"]?["go_fast"] == .bool(true))
        #expect(rep.lastPrefer?.hasPrefix("wait") == true)
        #expect(rep.requests.contains { $0.path == "/v1/models/black-forest-labs/flux-schnell/predictions" && $0.method == "POST" })
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let g = try catalog.generation(queued.generationId)
        #expect(g.provider == "replicate" && g.remoteId?.hasPrefix("p") == true)
        #expect(g.params.objectValue?["timings"]?.objectValue?["predict_time"] == .double(0.5))

        // A prediction that fails is reported with the provider's reason.
        rep.failure = "CUDA out of memory"
        let failing = try f.call(c, Generate.self, RemoteFixture.params("replicate:black-forest-labs/flux-schnell", count: 1))
        let failed = try f.wait(failing.jobId)
        #expect(failed.status == "failed")
        #expect(failed.error == "replicate reports the generation failed: CUDA out of memory")
    }

    @Test func civitaiJobsByTokenWithBuzzCost() throws {
        let civ = try FakeCivitai(validKey: Self.civitaiKey, image: RemoteFixture.png)
        defer { civ.stop() }
        let f = try RemoteFixture(providers: ["civitai": RemoteFixture.settings(civ.baseURL)])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let stored = try f.call(c, ProviderSetKey.self, .init(name: "civitai", key: Self.civitaiKey))
        #expect(stored.keySet && stored.keyLast4 == "ffee")
        var params = RemoteFixture.params("civitai:urn:air:sdxl:checkpoint:civitai:101055@128078", count: 2, seed: 5)
        params.sampler = "euler-a"
        let queued = try f.call(c, Generate.self, params)
        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(done.images.count == 2)
        let submit = try #require(civ.lastSubmit)
        #expect(submit["$type"] == "textToImage" && submit["baseModel"] == "SDXL" && submit["quantity"] == 2)
        #expect(submit["params"]?["scheduler"] == "EulerA" && submit["params"]?["cfgScale"] == .double(7.5) && submit["params"]?["seed"] == 5)
        #expect(civ.lastToken?.contains("+") == true && civ.lastToken?.contains("/") == true, "the token survives the query string")
        let g = try CatalogDatabase(path: f.home + "/catalog.sqlite").generation(queued.generationId)
        #expect(abs((g.cost ?? 0) - 0.008) < 1e-9, "2 jobs × 4 Buzz at 1000 Buzz = $1")
    }

    @Test func cancelStopsTheRemoteRequestAndLocalWorkKeepsGoing() throws {
        let fal = try FakeFal(validKey: Self.falKey, image: RemoteFixture.png)
        defer { fal.stop() }
        fal.statuses = ["IN_QUEUE"]
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL)], environment: ["FAL_KEY": Self.falKey])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let queued = try f.call(c, Generate.self, RemoteFixture.params("fal:fal-ai/fast-sdxl", count: 1))
        _ = try f.waitForDetail(queued.jobId) { $0.hasPrefix("queued at fal") }
        // The catalog answers while the remote job waits.
        #expect(try f.call(c, JobList.self, .init()).jobs.count == 1)
        _ = try f.call(c, JobCancel.self, .init(id: queued.jobId))
        let done = try f.wait(queued.jobId)
        #expect(done.status == "canceled")
        let deadline = Date().addingTimeInterval(60)
        while fal.canceledIds.isEmpty, Date() < deadline { usleep(20_000) }
        #expect(fal.canceledIds.count == 1, "PUT …/cancel reached fal")
    }

    @Test func dailyLimitsRefuseWithAClearMessageAndEstimateShowsIt() throws {
        let fal = try FakeFal(validKey: Self.falKey, image: RemoteFixture.png)
        defer { fal.stop() }
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL, ["dailyImages": 3, "dailyCost": 1])],
                                  environment: ["FAL_KEY": Self.falKey])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let ok = try f.call(c, Generate.self, RemoteFixture.params("fal:fal-ai/fast-sdxl", count: 2))
        #expect(try f.wait(ok.jobId).status == "succeeded")
        let estimate = try f.call(c, ProviderEstimate.self, .init(model: "fal:fal-ai/fast-sdxl", count: 2))
        #expect(!estimate.allowed && estimate.imagesToday == 2 && estimate.dailyImages == 3)
        let refused = f.failure(c, Generate.self, RemoteFixture.params("fal:fal-ai/fast-sdxl", count: 2))
        #expect(refused?.code == RPCErrorCode.limitExceeded)
        #expect(refused?.message.contains("daily limit of 3 images for fal") == true)
        #expect(fal.count("submit") == 1, "nothing was sent for the refused request")
        let cli = try runCLI(["generate", "--estimate", "--model", "fal:fal-ai/fast-sdxl", "--count", "1"], home: f.home)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.contains("fal:fal-ai/fast-sdxl: 1 image(s) at ~$0.0030") && cli.stdout.contains("Within today's limits."))
        // Bad input changes nothing: unknown provider, a sampler fal has no use for, params on a local model.
        #expect(f.failure(c, ProviderEstimate.self, .init(model: "nope:x"))?.code == RPCErrorCode.invalidParams)
        var sampler = RemoteFixture.params("fal:fal-ai/fast-sdxl", count: 1)
        sampler.sampler = "ddim"
        #expect(f.failure(c, Generate.self, sampler)?.code == RPCErrorCode.invalidParams)
        #expect(f.failure(c, Generate.self, RemoteFixture.params("replicate:black-forest-labs/flux-schnell", count: 1))?.message
            .contains("no API key is set for replicate") == true)
    }

    @Test func aRestartResumesTheSameRemoteRequestInsteadOfPayingTwice() throws {
        let fal = try FakeFal(validKey: Self.falKey, image: RemoteFixture.png)
        defer { fal.stop() }
        fal.statuses = ["IN_QUEUE", "IN_QUEUE", "IN_QUEUE", "IN_QUEUE", "IN_QUEUE", "IN_QUEUE", "IN_QUEUE", "IN_QUEUE", "IN_QUEUE", "IN_QUEUE",
                        "IN_PROGRESS", "COMPLETED"]
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL, ["pollIntervalSeconds": 0.2])],
                                  environment: ["FAL_KEY": Self.falKey])
        defer { f.cleanUp() }
        let queued = try f.call(try f.daemon.client(), Generate.self, RemoteFixture.params("fal:fal-ai/fast-sdxl", count: 1))
        _ = try f.waitForDetail(queued.jobId) { $0.hasPrefix("queued at fal") }
        try f.restart()
        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(done.images.count == 1)
        #expect(fal.count("submit") == 1, "the saved request was polled after the restart, not submitted again")
        #expect(fal.canceledIds.isEmpty, "a shutdown does not cancel the remote request")
    }

    @Test func aBatchOnARemoteModelRunsOnTheRemoteWorkerWithItsEstimate() throws {
        let fal = try FakeFal(validKey: Self.falKey, image: RemoteFixture.png)
        defer { fal.stop() }
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL, ["dailyImages": 4])], environment: ["FAL_KEY": Self.falKey])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        var base = Generate.Params()
        base.model = "fal:fal-ai/fast-sdxl"
        base.width = 64
        base.height = 64
        let tooMany = f.failure(c, BatchSubmit.self, BatchSubmit.Params(prompts: ["a", "b", "c"], images: 2, base: base))
        #expect(tooMany?.code == RPCErrorCode.limitExceeded && tooMany?.message.contains("daily limit of 4 images") == true)
        let queued = try f.call(c, BatchSubmit.self, BatchSubmit.Params(prompts: ["a red fox", "a blue fox"], images: 1, base: base))
        #expect(queued.provider == "fal" && abs((queued.estimatedCost ?? 0) - 0.006) < 1e-9)
        let done = try f.wait(queued.jobId)
        #expect(done.kind == "remote-batch")
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(done.images.count == 2 && done.failedImages == 0)
        #expect(done.zip.map { FileManager.default.fileExists(atPath: $0) } == true)
        #expect(fal.count("submit") == 2)
        let cli = try runCLI(["batch", "-", "--model", "fal:fal-ai/fast-sdxl", "--estimate"], home: f.home, stdin: "one\ntwo\nthree\n")
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.contains("3 image(s)") && cli.stdout.contains("Would be refused: the daily limit of 4 images for fal"))
    }
}
