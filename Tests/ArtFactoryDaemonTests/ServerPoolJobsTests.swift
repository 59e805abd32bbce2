import ArtFactoryCatalog
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// Server pools across jobs, through the socket with the loopback fakes: separate jobs running at
/// once on a pool, a daemon killed mid-image (each image stored exactly once after the restart),
/// and LoRAs sent to each kind of server its own way (or refused before queueing).
@Suite(.serialized) struct ServerPoolJobsTests {
    static let model = "a1111:v1-5-pruned-emaonly"

    @Test func separateJobsRunAtOnceUpToThePoolsCapacity() throws {
        let fakes = try (0..<2).map { _ in try FakeA1111(secondsPerImage: 1.0, image: ServerPoolTests.a1111PNG) }
        defer { fakes.forEach { $0.stop() } }
        let f = try RemoteFixture(providers: ["a1111": ServerPoolTests.pool([ServerPoolTests.server(fakes[0].baseURL, name: "a"),
                                                                             ServerPoolTests.server(fakes[1].baseURL, name: "b")])])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        _ = try f.call(c, ProviderTest.self, .init(name: "a1111"))

        // Two separate generate calls, one image each, on a pool of two: both run at once.
        let first = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1, seed: 1))
        let second = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1, seed: 2))
        let a = try f.wait(first.jobId)
        let b = try f.wait(second.jobId)
        #expect(a.status == "succeeded" && b.status == "succeeded", "\(a.error ?? "") \(b.error ?? "")")
        let (aStart, aEnd, bStart, bEnd) = (try #require(a.startedAt), try #require(a.finishedAt), try #require(b.startedAt), try #require(b.finishedAt))
        #expect(bStart < aEnd && aStart < bEnd, "the two jobs overlap in time: \(aStart)…\(aEnd) and \(bStart)…\(bEnd)")
        #expect(FakeImageServer.peakConcurrency(fakes) == 2, "both servers worked at once")
        #expect(fakes.map(\.completed) == [1, 1])

        // Three jobs on a pool that takes two: the third starts only when one of the first two ends.
        let three = try (10..<13).map { try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1, seed: Int64($0))) }
        let done = try three.map { try f.wait($0.jobId) }
        #expect(done.allSatisfy { $0.status == "succeeded" }, "\(done.map { $0.error ?? "" })")
        let ends = try done.prefix(2).map { try #require($0.finishedAt) }
        #expect(try #require(done[2].startedAt) >= ends.min()! - 50, "at most the pool's capacity of jobs at once")
        #expect(fakes.map(\.completed).reduce(0, +) == 5)
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        for job in [first, second] + three { #expect(try catalog.generationDetail(job.generationId).assets.count == 1) }
    }

    @Test func aDaemonKilledMidImageStoresEachImageExactlyOnceAfterItsRestart() throws {
        let fake = try FakeA1111(secondsPerImage: 1.5, image: ServerPoolTests.a1111PNG)
        defer { fake.stop() }
        let f = try RemoteFixture(providers: ["a1111": ServerPoolTests.pool([ServerPoolTests.server(fake.baseURL, name: "gpu")])])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let queued = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 3, seed: 30))
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        // Kill it (SIGKILL: nothing is finished or tidied) once the first image is stored and the
        // second is on the server.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, (try catalog.generationDetail(queued.generationId).assets.count) < 1 || fake.bodies.count < 2 { usleep(20_000) }
        #expect(try catalog.generationDetail(queued.generationId).assets.count == 1)
        try f.restart(signal: SIGKILL)

        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(done.attempts == 2, "the interrupted job was run again")
        let detail = try catalog.generationDetail(queued.generationId)
        #expect(detail.assets.count == 3, "each image once: none lost, none twice (\(detail.assets.count) stored)")
        let params = try catalog.generation(queued.generationId).params
        let listed = (params["servers"]?.arrayValue ?? []).compactMap { $0["image"]?.intValue }
        #expect(listed.sorted() == [1, 2, 3], "each image listed once as done: \(listed)")
        // Only the missing images were asked for again: the one in flight at the kill and the last.
        let seeds = fake.bodies.compactMap { $0["seed"]?.intValue }
        #expect(seeds.first == 30 && seeds.filter { $0 == 30 }.count == 1, "the stored image was not made again: \(seeds)")
        #expect(Set(seeds) == [30, 31, 32] && seeds.count == 4, "the in-flight image was sent again: \(seeds)")
    }

    @Test func lorasReachEachKindOfServerItsOwnWayAndUnknownOnesAreRefusedBeforeQueueing() throws {
        let comfy = try FakeComfyUI(loras: ["detail.safetensors", "SDXL/style_ink.safetensors"], secondsPerImage: 0.1, image: ServerPoolTests.comfyPNG)
        let a1111 = try FakeA1111(secondsPerImage: 0.1, image: ServerPoolTests.a1111PNG)
        let sd = try FakeSDCpp(secondsPerImage: 0.1, image: ServerPoolTests.a1111PNG)
        defer { comfy.stop(); a1111.stop(); sd.stop() }
        let f = try RemoteFixture(providers: [
            "comfyui": ServerPoolTests.pool([ServerPoolTests.server(comfy.baseURL, name: "comfy")]),
            "a1111": ServerPoolTests.pool([ServerPoolTests.server(a1111.baseURL, name: "forge")]),
            "sdcpp": ServerPoolTests.pool([ServerPoolTests.server(sd.baseURL, name: "sd")]),
        ])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")

        // ComfyUI: the request's LoRA and the prompt's tag become a chain of LoraLoader nodes.
        var params = RemoteFixture.params("comfyui:sd_xl_base_1.0", count: 1, seed: 3)
        params.prompt = "a cat <lora:style_ink:0.4> in ink"
        params.loras = [LoRAWeight(name: "detail", weight: 0.7)]
        let done = try f.wait(try f.call(c, Generate.self, params).jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        let graph = try #require(comfy.prompts.last)
        #expect(graph["20"]?["class_type"] == "LoraLoader")
        #expect(graph["20"]?["inputs"]?["lora_name"] == "detail.safetensors" && graph["20"]?["inputs"]?["strength_model"] == 0.7
                && graph["20"]?["inputs"]?["strength_clip"] == 0.7)
        #expect(graph["20"]?["inputs"]?["model"] == ["4", 0] && graph["20"]?["inputs"]?["clip"] == ["4", 1])
        #expect(graph["21"]?["inputs"]?["lora_name"] == "SDXL/style_ink.safetensors" && graph["21"]?["inputs"]?["strength_model"] == 0.4)
        #expect(graph["21"]?["inputs"]?["model"] == ["20", 0] && graph["21"]?["inputs"]?["clip"] == ["20", 1])
        #expect(graph["3"]?["inputs"]?["model"] == ["21", 0], "the sampler takes the last LoRA's model")
        #expect(graph["6"]?["inputs"]?["clip"] == ["21", 1] && graph["7"]?["inputs"]?["clip"] == ["21", 1])
        let text = graph["6"]?["inputs"]?["text"]?.stringValue ?? ""
        #expect(text.contains("a cat") && text.contains("in ink") && !text.contains("<lora"), "tags leave the prompt text: \(text)")

        // A LoRA no server has: refused before anything is queued, saying what the servers have.
        let jobsBefore = try catalog.listJobs().count
        let promptsBefore = comfy.prompts.count
        var unknown = RemoteFixture.params("comfyui:sd_xl_base_1.0", count: 1)
        unknown.loras = [LoRAWeight(name: "nope", weight: 1)]
        let refused = try #require(f.failure(c, Generate.self, unknown))
        #expect(refused.code == RPCErrorCode.notFound)
        #expect(refused.message.contains("'nope'") && refused.message.contains("detail") && refused.message.contains("style_ink"), "\(refused.message)")
        unknown.loras = nil
        unknown.prompt = "a dog <lora:missing:1>"
        #expect(f.failure(c, Generate.self, unknown)?.message.contains("'missing'") == true)
        #expect(try catalog.listJobs().count == jobsBefore && comfy.prompts.count == promptsBefore, "nothing queued or sent")

        // A1111/Forge: `<lora:name:weight>` in its prompt, by the name /sdapi/v1/loras lists.
        var forge = RemoteFixture.params(Self.model, count: 1, seed: 4)
        forge.loras = [LoRAWeight(name: "detail", weight: 0.8)]
        let forgeDone = try f.wait(try f.call(c, Generate.self, forge).jobId)
        #expect(forgeDone.status == "succeeded", "\(forgeDone.error ?? "")")
        #expect(a1111.bodies.last?["prompt"] == "a lighthouse at dusk <lora:detail:0.8>")
        forge.loras = [LoRAWeight(name: "detail2", weight: 1)]
        #expect(f.failure(c, Generate.self, forge)?.message.contains("a1111 server has the LoRA 'detail2'") == true)

        // sd.cpp: its structured `lora` field, by the path its capabilities list.
        var native = RemoteFixture.params("sdcpp:sd-v1-5", count: 1, seed: 5)
        native.prompt = "a boat <lora:detail:0.6>"
        let nativeDone = try f.wait(try f.call(c, Generate.self, native).jobId)
        #expect(nativeDone.status == "succeeded", "\(nativeDone.error ?? "")")
        #expect(sd.bodies.last?["lora"] == [["path": "detail.safetensors", "multiplier": 0.6]])
        #expect(sd.bodies.last?["prompt"]?.stringValue?.contains("<lora") == false)
    }
}
