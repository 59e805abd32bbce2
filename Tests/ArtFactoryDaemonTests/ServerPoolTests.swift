import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// Self-hosted server pools (ComfyUI, A1111/Forge, sd.cpp's server) end to end through the socket,
/// against loopback fakes written from each API's source and documentation (websocket included).
@Suite(.serialized) struct ServerPoolTests {
    static let a1111Password = "s3cret-a1111-pass"
    static let sdcppToken = "sdcpp-token-0badc0de"

    /// A pool section with fast test timings.
    static func pool(_ servers: [JSONValue], _ extra: [(String, JSONValue)] = []) -> JSONValue {
        .object(JSONObject([("servers", .array(servers)), ("pollIntervalSeconds", 0.05), ("backoffSeconds", 0.1), ("timeoutSeconds", 5),
                            ("offlineTimeoutSeconds", 3)] + extra))
    }

    static func server(_ url: String, name: String, auth: JSONValue? = nil, maxConcurrent: Int? = nil) -> JSONValue {
        var o = JSONObject([("url", .string(url)), ("name", .string(name))])
        if let auth { o["auth"] = auth }
        if let maxConcurrent { o["maxConcurrent"] = .int(Int64(maxConcurrent)) }
        return .object(o)
    }

    /// The result PNG the fake ComfyUI serves, with the `prompt` and `workflow` chunks SaveImage writes.
    static let comfyPNG: [UInt8] = {
        var bytes = [UInt8](repeating: 0, count: 32 * 32 * 3)
        for i in 0..<(32 * 32) { bytes[i * 3] = UInt8(i % 256); bytes[i * 3 + 1] = 90; bytes[i * 3 + 2] = 200 }
        let buffer = try! PixelBuffer(width: 32, height: 32, channels: 3, bytes: bytes)
        return [UInt8](try! PNGEncoder().encode(buffer, textChunks: [
            PNGTextChunk(kind: .tEXt, keyword: "prompt", text: #"{"3": {"class_type": "KSampler", "inputs": {"seed": 1}}}"#),
            PNGTextChunk(kind: .tEXt, keyword: "workflow", text: #"{"last_node_id": 9, "nodes": []}"#),
        ]))
    }()

    /// The PNG the fake A1111 returns, with its `parameters` infotext.
    static let a1111PNG: [UInt8] = {
        let buffer = try! PixelBuffer(width: 32, height: 32, channels: 3, bytes: [UInt8](repeating: 77, count: 32 * 32 * 3))
        return [UInt8](try! PNGEncoder().encode(buffer, textChunks: [
            PNGTextChunk(kind: .tEXt, keyword: "parameters", text: "a1111 own infotext\nSteps: 4, Sampler: Euler a, Seed: 5"),
        ]))
    }()

    static func writePNG(_ path: String, value: UInt8) throws {
        let buffer = try PixelBuffer(width: 64, height: 64, channels: 3, bytes: [UInt8](repeating: value, count: 64 * 64 * 3))
        try PNGEncoder().encode(buffer).write(to: URL(fileURLWithPath: path))
    }

    static func chunks(_ path: String) throws -> [String: String] {
        let list = try PNGTextChunk.readAll(from: Data(contentsOf: URL(fileURLWithPath: path)))
        return Dictionary(list.map { ($0.keyword, $0.text) }, uniquingKeysWith: { a, _ in a })
    }

    static func record(_ path: String) throws -> JSONValue {
        let meta = try #require(try MetadataReader.read(fromPNG: Data(contentsOf: URL(fileURLWithPath: path))))
        return try #require(meta.rawJSON.flatMap { try? JSONParser().parse($0) })
    }

    @Test func comfyUIGeneratesTxt2imgImg2imgInpaintAndWorkflowsWithWebsocketProgressAndCancels() throws {
        let comfy = try FakeComfyUI(checkpoints: ["sd_xl_base_1.0.safetensors", "SD15/dreamshaper_8.safetensors"], secondsPerImage: 0.3,
                                    image: Self.comfyPNG)
        defer { comfy.stop() }
        let workflowHome = try TestPaths.makeTempDir(prefix: "afw")
        defer { try? FileManager.default.removeItem(atPath: workflowHome) }
        // A user's own API-format workflow: a custom KSampler setting (steps 3) the template keeps.
        let workflow: JSONValue = [
            "4": ["class_type": "CheckpointLoaderSimple", "inputs": ["ckpt_name": "placeholder.safetensors"]],
            "6": ["class_type": "CLIPTextEncode", "inputs": ["text": "placeholder", "clip": ["4", 1]]],
            "5": ["class_type": "EmptyLatentImage", "inputs": ["width": 512, "height": 512, "batch_size": 1]],
            "3": ["class_type": "KSampler", "inputs": ["seed": 0, "steps": 3, "cfg": 5.5, "sampler_name": "lcm", "scheduler": "sgm_uniform",
                                                         "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["6", 0], "latent_image": ["5", 0]]],
            "8": ["class_type": "VAEDecode", "inputs": ["samples": ["3", 0], "vae": ["4", 2]]],
            "9": ["class_type": "SaveImage", "inputs": ["filename_prefix": "mine", "images": ["8", 0]]],
        ]
        let workflowFile = workflowHome + "/mine.json"
        try Data(JSONWriter.string(workflow).utf8).write(to: URL(fileURLWithPath: workflowFile))
        let f = try RemoteFixture(providers: ["comfyui": Self.pool([Self.server(comfy.baseURL, name: "gpu1")], [
            ("workflows", ["mine": ["file": .string(workflowFile), "inputs": ["prompt": "6.text", "seed": "3.seed", "checkpoint": "4.ckpt_name"]]]),
        ])])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let watcher = try f.daemon.client()
        _ = try watcher.call(EventsSubscribe.self, .init(topics: ["job"]))

        let test = try f.call(c, ProviderTest.self, .init(name: "comfyui"))
        #expect(test.ok && test.provider.servers?.first?.models == 2 && test.provider.servers?.first?.loras == 1)
        let models = try f.call(c, ModelsList.self, NoParams()).models
        let sdxl = try #require(models.first { $0.name == "comfyui:sd_xl_base_1.0.safetensors" })
        #expect(sdxl.provider == "comfyui" && sdxl.servers == ["gpu1"] && sdxl.format == "remote")
        #expect(models.contains { $0.name == "comfyui:SD15/dreamshaper_8.safetensors" })

        // txt2img by the checkpoint's stem, with a sampler and a negative prompt; progress over the websocket.
        var params = RemoteFixture.params("comfyui:sd_xl_base_1.0", count: 2, seed: 40)
        params.negativePrompt = "blurry"
        params.sampler = "euler-a"
        params.previewEvery = 1
        let queued = try f.call(c, Generate.self, params)
        #expect(queued.provider == "comfyui")
        var details: [String] = []
        var previews = 0
        let deadline = Date().addingTimeInterval(120)
        var final: String?
        while final == nil, Date() < deadline {
            guard let n = try watcher.waitForNotification(timeout: 2), n.params["id"]?.stringValue == queued.jobId else { continue }
            if n.method == "job.progress" {
                if let d = n.params["progress"]?["detail"]?.stringValue { details.append(d) }
                if n.params["progress"]?["preview"] != nil { previews += 1 }
            }
            if n.method == "job.state", let s = n.params["status"]?.stringValue, ["succeeded", "failed", "canceled"].contains(s) { final = s }
        }
        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(done.images.map(\.seed) == [40, 41])
        #expect(details.contains { $0.contains("gpu1") && $0.contains("/4") }, "step progress from the websocket: \(details)")
        #expect(previews > 0, "the binary preview frames become job.progress previews")
        let graphs = comfy.prompts
        #expect(graphs.count == 2)
        let first = try #require(graphs.first)
        #expect(first["4"]?["inputs"]?["ckpt_name"] == "sd_xl_base_1.0.safetensors")
        #expect(first["3"]?["inputs"]?["sampler_name"] == "euler_ancestral" && first["3"]?["inputs"]?["steps"] == 4)
        #expect(first["7"]?["inputs"]?["text"] == "blurry" && first["5"]?["inputs"]?["width"] == 64)
        #expect(Set(graphs.compactMap { $0["3"]?["inputs"]?["seed"]?.intValue }) == [40, 41])
        for image in done.images {
            let text = try Self.chunks(image.path)
            #expect(text["prompt"]?.contains("KSampler") == true && text["workflow"]?.contains("last_node_id") == true,
                    "ComfyUI's own prompt/workflow chunks are kept")
            let record = try Self.record(image.path)
            #expect(record["provider"] == "comfyui" && record["model"] == "comfyui:sd_xl_base_1.0")
            #expect(record["parameters"]?["server"] == "gpu1")
            #expect(record["parameters"]?["remoteId"]?.stringValue?.count == 36)
            #expect(record["parameters"]?["timings"]?["total"]?.doubleValue.map { $0 > 0 } == true)
        }
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let detail = try catalog.generationDetail(queued.generationId)
        #expect(detail.assets.count == 2 && detail.generation.status == .succeeded && detail.generation.provider == "comfyui")

        // img2img and inpaint: the source and mask are uploaded, the graph encodes them.
        let source = f.home + "/source.png", mask = f.home + "/mask.png"
        try Self.writePNG(source, value: 120)
        try Self.writePNG(mask, value: 255)
        var img = RemoteFixture.params("comfyui:dreamshaper_8", count: 1, seed: 3)
        img.source = source
        img.strength = 0.6
        let imgDone = try f.wait(try f.call(c, Generate.self, img).jobId)
        #expect(imgDone.status == "succeeded", "\(imgDone.error ?? "")")
        let imgGraph = try #require(comfy.prompts.last)
        #expect(imgGraph["11"]?["class_type"] == "VAEEncode" && imgGraph["3"]?["inputs"]?["denoise"] == 0.6)
        #expect(imgGraph["4"]?["inputs"]?["ckpt_name"] == "SD15/dreamshaper_8.safetensors")
        img.mask = mask
        let inpaintDone = try f.wait(try f.call(c, Generate.self, img).jobId)
        #expect(inpaintDone.status == "succeeded", "\(inpaintDone.error ?? "")")
        let inpaintGraph = try #require(comfy.prompts.last)
        #expect(inpaintGraph["11"]?["class_type"] == "VAEEncodeForInpaint" && inpaintGraph["12"]?["class_type"] == "LoadImageMask")
        #expect(comfy.uploaded.count == 3)

        // A registered workflow: our inputs filled in, the rest of the user's graph as it was.
        var mine = RemoteFixture.params("comfyui:sd_xl_base_1.0", count: 1, seed: 99)
        mine.params = ["workflow": "mine"]
        let mineDone = try f.wait(try f.call(c, Generate.self, mine).jobId)
        #expect(mineDone.status == "succeeded", "\(mineDone.error ?? "")")
        let mineGraph = try #require(comfy.prompts.last)
        #expect(mineGraph["6"]?["inputs"]?["text"] == "a lighthouse at dusk" && mineGraph["3"]?["inputs"]?["seed"] == 99)
        #expect(mineGraph["3"]?["inputs"]?["steps"] == 3 && mineGraph["3"]?["inputs"]?["sampler_name"] == "lcm")
        #expect(mineGraph["4"]?["inputs"]?["ckpt_name"] == "sd_xl_base_1.0.safetensors")
        var unknown = RemoteFixture.params("comfyui:sd_xl_base_1.0", count: 1)
        unknown.params = ["workflow": "nope"]
        let refused = f.failure(c, Generate.self, unknown)
        #expect(refused?.code == RPCErrorCode.invalidParams && refused?.message.contains("mine") == true)
        // A model no server has fails with a message that says where to look.
        let missing = try f.wait(try f.call(c, Generate.self, RemoteFixture.params("comfyui:nowhere", count: 1)).jobId)
        #expect(missing.status == "failed" && missing.error?.contains("no comfyui server has the model 'nowhere'") == true, "\(missing.error ?? "")")

        // Cancel while running: the daemon interrupts its prompt on the server; nothing is stored.
        comfy.secondsPerImage = 20
        let slow = try f.call(c, Generate.self, RemoteFixture.params("comfyui:sd_xl_base_1.0", count: 1, seed: 5))
        _ = try f.waitForDetail(slow.jobId) { $0.contains("gpu1 ") && $0.contains("/4") }
        _ = try f.call(c, JobCancel.self, .init(id: slow.jobId))
        let canceled = try f.wait(slow.jobId)
        #expect(canceled.status == "canceled")
        let interruptDeadline = Date().addingTimeInterval(10)
        while comfy.interrupts == 0 && Date() < interruptDeadline { usleep(20_000) }
        #expect(comfy.interrupts == 1)
        #expect(try catalog.generationDetail(slow.generationId).assets.isEmpty)
        #expect(try f.call(c, DaemonStatus.self, NoParams()).providers?["comfyui"]?.state == "ok")
    }

    @Test func a1111AndSdcppEndToEndWithFailoverBadURLAndWrongCredentials() throws {
        let basic = FakeServerAuth.basic(user: "artist", password: Self.a1111Password)
        let a = try FakeA1111(auth: basic, secondsPerImage: 0.2, image: Self.a1111PNG)
        let b = try FakeA1111(auth: basic, secondsPerImage: 0.2, image: Self.a1111PNG)
        let sd = try FakeSDCpp(model: "sd-v1-5", auth: .bearer(Self.sdcppToken), secondsPerImage: 0.2, image: Self.a1111PNG)
        defer { a.stop(); b.stop(); sd.stop() }
        let unused = try LoopbackHTTPServer.unusedPort()
        let good: JSONValue = ["user": "artist", "password": .string(Self.a1111Password)]
        let f = try RemoteFixture(providers: [
            "a1111": Self.pool([Self.server(a.baseURL, name: "a", auth: good), Self.server(b.baseURL, name: "b", auth: good)]),
            "sdcpp": Self.pool([Self.server(sd.baseURL, name: "sd", auth: ["token": .string(Self.sdcppToken)]),
                                Self.server(sd.baseURL + "/", name: "wrong", auth: ["token": "not-the-token"])]),
            "comfyui": Self.pool([Self.server("http://127.0.0.1:\(unused)", name: "gone")]),
        ])
        defer { f.cleanUp() }
        let c = try f.daemon.client()

        // A1111: two images spread over both servers, our fields in the documented body, pass-through kept.
        #expect(try f.call(c, ProviderTest.self, .init(name: "a1111")).provider.servers?.map(\.auth) == ["basic", "basic"])
        let models = try f.call(c, ModelsList.self, NoParams()).models
        #expect(models.first { $0.name == "a1111:v1-5-pruned-emaonly" }?.servers == ["a", "b"])
        #expect(models.first { $0.name == "sdcpp:sd-v1-5" }?.servers == ["sd"])
        var params = RemoteFixture.params("a1111:v1-5-pruned-emaonly", count: 2, seed: 5)
        params.sampler = "euler-a"
        params.params = ["alwayson_scripts": ["controlnet": ["args": []]], "restore_faces": false]
        let done = try f.wait(try f.call(c, Generate.self, params).jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(a.completed == 1 && b.completed == 1, "one image on each server")
        let body = try #require(a.bodies.first)
        #expect(body["sampler_name"] == "Euler a" && body["cfg_scale"] != nil && body["steps"] == 4 && body["batch_size"] == 1)
        #expect(body["override_settings"]?["sd_model_checkpoint"] == "v1-5-pruned-emaonly.safetensors [6ce0161689]")
        #expect(body["alwayson_scripts"] == ["controlnet": ["args": []]] && body["restore_faces"] == .bool(false))
        #expect(Set((a.bodies + b.bodies).compactMap { $0["seed"]?.intValue }) == [5, 6])
        let record = try Self.record(try #require(done.images.first).path)
        #expect(record["parameters"]?["serverMetadata"]?["parameters"]?.stringValue?.hasPrefix("a1111 own infotext") == true,
                "the server's own parameters chunk is kept in the record")
        #expect(["a", "b"].contains(record["parameters"]?["server"]?.stringValue ?? ""))

        // A server that dies mid-image: the image is sent to the other and stored once.
        a.secondsPerImage = 3
        b.secondsPerImage = 3
        let failover = try f.call(c, Generate.self, RemoteFixture.params("a1111:v1-5-pruned-emaonly", count: 1, seed: 70))
        let started = Date().addingTimeInterval(60)
        while a.bodies.count + b.bodies.count < 3 && Date() < started { usleep(20_000) }
        let victim = a.bodies.count == 2 ? a : b
        let survivor = victim === a ? b : a
        survivor.secondsPerImage = 0.2
        victim.kill()
        let recovered = try f.wait(failover.jobId)
        #expect(recovered.status == "succeeded", "\(recovered.error ?? "")")
        #expect(recovered.images.count == 1 && recovered.images.first?.seed == 70)
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        #expect(try catalog.generationDetail(failover.generationId).assets.count == 1, "never duplicated in the gallery")
        #expect(survivor.bodies.last?["seed"] == 70)
        #expect(f.logEventually(contains: "sending the image to another"))
        let status = try f.call(c, DaemonStatus.self, NoParams()).providers?["a1111"]
        #expect(status?.state == "ok" && status?.detail == "1 of 2 servers reachable")

        // Cancel on A1111: the daemon interrupts the server's job and drops its partial image.
        survivor.secondsPerImage = 30
        let before = survivor.bodies.count
        let slow = try f.call(c, Generate.self, RemoteFixture.params("a1111:v1-5-pruned-emaonly", count: 1, seed: 80))
        let sent = Date().addingTimeInterval(60)
        while survivor.bodies.count == before && Date() < sent { usleep(20_000) }
        _ = try f.call(c, JobCancel.self, .init(id: slow.jobId))
        #expect(try f.wait(slow.jobId, timeout: 20).status == "canceled")
        let interruptDeadline = Date().addingTimeInterval(10)
        while survivor.interrupts == 0 && Date() < interruptDeadline { usleep(20_000) }
        #expect(survivor.interrupts >= 1)
        #expect(try catalog.generationDetail(slow.generationId).assets.isEmpty)

        // sd.cpp: the native async API; the server with the wrong token is refused, the other works.
        var sdp = RemoteFixture.params("sdcpp:sd-v1-5", count: 1, seed: 12)
        sdp.negativePrompt = "noise"
        let sdDone = try f.wait(try f.call(c, Generate.self, sdp).jobId)
        #expect(sdDone.status == "succeeded", "\(sdDone.error ?? "")")
        let sdBody = try #require(sd.bodies.last)
        #expect(sdBody["sample_params"]?["sample_steps"] == 4 && sdBody["negative_prompt"] == "noise" && sdBody["seed"] == 12)
        #expect(sdBody["output_format"] == "png")
        #expect(sd.requests.contains { $0.path == "/sdcpp/v1/jobs/job_1" })
        // Cancel on sd.cpp: POST /sdcpp/v1/jobs/{id}/cancel.
        sd.secondsPerImage = 30
        let sdSlow = try f.call(c, Generate.self, RemoteFixture.params("sdcpp:sd-v1-5", count: 1, seed: 13))
        _ = try f.waitForDetail(sdSlow.jobId) { $0.contains("running on sd") }
        _ = try f.call(c, JobCancel.self, .init(id: sdSlow.jobId))
        #expect(try f.wait(sdSlow.jobId, timeout: 20).status == "canceled")
        let cancelDeadline = Date().addingTimeInterval(10)
        while sd.cancels == 0 && Date() < cancelDeadline { usleep(20_000) }
        #expect(sd.cancels == 1)
        let wrong = f.failure(c, ProviderTest.self, .init(name: "sdcpp"))
        #expect(wrong?.data?["kind"] == "authFailed" && wrong?.data?["server"] == "wrong")
        #expect(wrong?.message.contains("authentication failed for sdcpp server wrong (HTTP 401)") == true, "\(wrong?.message ?? "")")

        // A URL nothing listens on: a clear error naming the server, and generations fail after the offline timeout.
        let gone = f.failure(c, ProviderTest.self, .init(name: "comfyui"))
        #expect(gone?.data?["kind"] == "unreachable")
        #expect(gone?.message.contains("comfyui server gone cannot be reached (connection refused)") == true, "\(gone?.message ?? "")")
        let offline = try f.wait(try f.call(c, Generate.self, RemoteFixture.params("comfyui:any", count: 1)).jobId)
        #expect(offline.status == "failed" && offline.error?.contains("no comfyui server could be reached") == true, "\(offline.error ?? "")")

        // Credentials never appear in answers or the log.
        let list = try f.call(c, ProviderList.self, NoParams())
        #expect(list.providers.first { $0.name == "sdcpp" }?.servers?.count == 2)
        for secret in [Self.a1111Password, Self.sdcppToken, "not-the-token", Data("artist:\(Self.a1111Password)".utf8).base64EncodedString()] {
            #expect(!f.logText.contains(secret))
            #expect(!f.transcript.contains { $0.contains(secret) })
        }
        let cli = try runCLI(["provider", "list"], home: f.home)
        #expect(cli.status == 0 && cli.stdout.contains("wrong") && cli.stdout.contains("bearer") && !cli.stdout.contains(Self.sdcppToken))
    }

    @Test func aBatchOverThreeServersTakesAboutAThirdOfTheTimeOfOne() throws {
        // gpu-a alone has `solo`; all three have `shared`. Same fakes, same work, one server vs three.
        // 1 s an image keeps the servers' time well above the daemon's own per-image cost (catalog
        // commits, PNG and thumbnail writes with fsync), which is large on a loaded test machine.
        let fakes = try (0..<3).map { i in
            try FakeComfyUI(checkpoints: i == 0 ? ["solo.safetensors", "shared.safetensors"] : ["shared.safetensors"], secondsPerImage: 1.0,
                            image: Self.comfyPNG)
        }
        defer { fakes.forEach { $0.stop() } }
        let names = ["gpu-a", "gpu-b", "gpu-c"]
        let f = try RemoteFixture(providers: ["comfyui": Self.pool(zip(fakes, names).map { Self.server($0.0.baseURL, name: $0.1) })])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let models = try f.call(c, ModelsList.self, NoParams()).models
        #expect(models.first { $0.name == "comfyui:shared.safetensors" }?.servers == names)
        #expect(models.first { $0.name == "comfyui:solo.safetensors" }?.servers == ["gpu-a"])

        // Six images of one generation: on one server, then spread over three.
        func six(_ model: String) throws -> (seconds: Double, info: JobInfo) {
            let start = Date()
            let info = try f.wait(try f.call(c, Generate.self, RemoteFixture.params(model, count: 6, seed: 1)).jobId)
            return (Date().timeIntervalSince(start), info)
        }
        let one = try six("comfyui:solo")
        #expect(one.info.status == "succeeded" && one.info.images.count == 6, "\(one.info.error ?? "")")
        #expect(fakes.map(\.completed) == [6, 0, 0])
        let three = try six("comfyui:shared")
        #expect(three.info.status == "succeeded" && three.info.images.map(\.seed) == Array(1...6), "\(three.info.error ?? "")")
        #expect(fakes.map(\.completed) == [8, 2, 2], "the images spread evenly: \(fakes.map(\.completed))")
        #expect(three.seconds < 0.6 * one.seconds, "3 servers: \(three.seconds) s, 1 server: \(one.seconds) s")

        // A batch of six prompts spreads its generations over the three servers at once.
        var base = Generate.Params()
        base.model = "comfyui:shared"
        base.width = 64
        base.height = 64
        base.steps = 4
        let queued = try f.call(c, BatchSubmit.self, BatchSubmit.Params(prompts: (1...6).map { "a fox number \($0)" }, images: 1, base: base))
        let batch = try f.wait(queued.jobId)
        #expect(batch.status == "succeeded" && batch.images.count == 6 && batch.failedImages == 0, "\(batch.error ?? "")")
        #expect(fakes.map(\.completed) == [10, 4, 4], "the batch spreads evenly: \(fakes.map(\.completed))")
        #expect(FakeImageServer.peakConcurrency(fakes) == 3, "all three servers worked at once")
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        for id in queued.generationIds { #expect(try catalog.generationDetail(id).assets.count == 1) }
    }
}
