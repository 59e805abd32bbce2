@testable import ArtFactoryDaemon
import ArtFactoryProtocol
import Foundation
import Testing

/// The parts of the server pools that need no server: config checks, model name matching, the
/// built ComfyUI graphs and the websocket handshake digest.
@Suite struct ServerPoolUnitTests {
    static func settings(_ servers: [ServerEntry]) -> ProviderSettings {
        var s = ProviderSettings()
        s.servers = servers
        return s
    }

    @Test func serverEntriesAreCheckedWithMessagesThatSayWhatToFix() throws {
        #expect(ProviderProfile.problem(name: "comfyui", settings: Self.settings([ServerEntry(url: "http://gpu1:8188")])) == nil)
        #expect(ProviderProfile.problem(name: "comfyui", settings: Self.settings([ServerEntry(url: "gpu1:8188")]))?
            .contains("providers.comfyui.servers[0].url must be an http(s) URL") == true)
        #expect(ProviderProfile.problem(name: "a1111", settings: Self.settings([ServerEntry(url: "http://me:pw@gpu1:7860")]))?
            .contains("must not hold credentials") == true)
        #expect(ProviderProfile.problem(name: "a1111", settings: Self.settings([ServerEntry(url: "http://gpu1", auth: ServerAuth(user: "me"))]))?
            .contains("basic auth needs a user") == true)
        #expect(ProviderProfile.problem(name: "sdcpp", settings: Self.settings([ServerEntry(url: "http://a", auth: ServerAuth(user: "u", password: "p", token: "t"))]))?
            .contains("not both") == true)
        #expect(ProviderProfile.problem(name: "sdcpp", settings: Self.settings([ServerEntry(url: "http://a", maxConcurrent: 0)]))?
            .contains("maxConcurrent must be 1…64") == true)
        #expect(ProviderProfile.problem(name: "comfyui", settings: Self.settings([ServerEntry(url: "http://a:1"), ServerEntry(url: "http://a:1")]))?
            .contains("same name") == true)
        var fal = ProviderSettings()
        fal.servers = [ServerEntry(url: "http://a")]
        #expect(ProviderProfile.problem(name: "fal", settings: fal)?.contains("for comfyui, a1111 and sdcpp only") == true)
        var a1111 = Self.settings([ServerEntry(url: "http://a")])
        a1111.workflows = ["x": ComfyWorkflowSettings(file: "x.json", inputs: ["prompt": "6.text"])]
        #expect(ProviderProfile.problem(name: "a1111", settings: a1111)?.contains("only comfyui takes workflows") == true)
        var comfy = Self.settings([ServerEntry(url: "http://a")])
        comfy.workflows = ["x": ComfyWorkflowSettings(file: "x.json", inputs: ["prompt": "6"])]
        #expect(ProviderProfile.problem(name: "comfyui", settings: comfy)?.contains("\"<node id>.<input name>\"") == true)
    }

    @Test func entriesDecodeFromStringsOrObjectsAndLabelsNeverShowCredentials() throws {
        let json = try JSONParser().parse(Array(#"["http://gpu1.lan:8188", {"url": "https://x.example/comfy", "auth": {"token": "tok-123456"}}]"#.utf8))
        let entries = try JSONValueDecoder().decode([ServerEntry].self, from: json)
        #expect(entries.map(\.label) == ["gpu1.lan:8188", "x.example"])
        #expect(entries[1].auth?.header == "Bearer tok-123456")
        #expect(ServerAuth(user: "artist", password: "pw").header == "Basic " + Data("artist:pw".utf8).base64EncodedString())
        let typo = try JSONParser().parse(Array(#"[{"url": "http://a", "maxConcurent": 2}]"#.utf8))
        #expect(throws: (any Error).self) { try JSONValueDecoder().decode([ServerEntry].self, from: typo) }
    }

    @Test func checkpointsMatchByExactNameOrStem() {
        let catalog = ServerCatalog(checkpoints: ["SDXL/sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors [6ce0161689]"], loras: [], samplers: [])
        #expect(catalog.checkpoint(named: "sd_xl_base_1.0") == "SDXL/sd_xl_base_1.0.safetensors")
        #expect(catalog.checkpoint(named: "SDXL/sd_xl_base_1.0.safetensors") == "SDXL/sd_xl_base_1.0.safetensors")
        #expect(catalog.checkpoint(named: "v1-5-pruned-emaonly") == "v1-5-pruned-emaonly.safetensors [6ce0161689]")
        #expect(catalog.checkpoint(named: "sd_xl_refiner_1.0") == nil)
    }

    @Test func comfyGraphsLinkEveryInputToANodeThatExists() {
        var task = ServerTask(checkpoint: "m.safetensors", prompt: "p", negativePrompt: "n", width: 64, height: 48, steps: 5, guidance: 6.5,
                              seed: 9, sampler: "DPMSolverMultistepScheduler", image: nil, mask: nil, strength: nil, extra: ["denoise": 0.9])
        for (image, mask) in [(nil, nil), ("src.png", nil), ("src.png", "mask.png")] as [(String?, String?)] {
            task.strength = image == nil ? nil : 0.5
            let graph = ComfyWorkflow.graph(for: task, image: image, mask: mask)
            for (_, node) in graph {
                for (_, value) in node["inputs"]?.objectValue ?? JSONObject() {
                    if let link = value.arrayValue, link.count == 2, let target = link[0].stringValue {
                        #expect(graph[target] != nil, "a link to missing node \(target)")
                    }
                }
            }
            #expect(graph["3"]?["inputs"]?["sampler_name"] == "dpmpp_2m" && graph["3"]?["inputs"]?["scheduler"] == "karras")
            #expect(graph["3"]?["inputs"]?["denoise"] == 0.9, "pass-through params set KSampler inputs")
            #expect(graph["9"]?["class_type"] == "SaveImage")
        }
    }

    @Test func sha1MatchesTheRFC6455HandshakeExample() {
        // RFC 6455 §1.3: key dGhlIHNhbXBsZSBub25jZQ== → accept s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
        let accept = Data(SHA1.digest(Array("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11".utf8))).base64EncodedString()
        #expect(accept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(Data(SHA1.digest([])).map { String(format: "%02x", $0) }.joined() == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }
}
