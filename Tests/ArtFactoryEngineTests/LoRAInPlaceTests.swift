import Foundation
import Testing
@testable import ArtFactoryEngine

/// Merging LoRAs into the warm weights where they are, and undoing that bit for bit: no copy of the
/// patched layers, the stored precision kept, every original bit back afterwards.
@Suite struct LoRAInPlaceTests {
    /// Bit patterns of every value, in a new array (so holding it keeps no reference to the weights).
    static func bits(_ w: WeightMatrix) -> [UInt32] {
        switch w.storage {
        case .f32(let v): v.map(\.bitPattern)
        case .f16(let v), .bf16(let v): v.map { UInt32($0) }
        }
    }

    /// Weights with the awkward values mixed in: powers of two and values just below them (where an
    /// addition crosses a binade), subnormals, signed zeros, infinities and NaN.
    static func awkwardValues(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        let specials: [Float] = [0, -0, 1, -1, 0.99999994, 2, 1.9999999, 0.5, Float(bitPattern: 0x0001_1000), -Float(bitPattern: 0x0000_0400), 6e-8, 65504, .infinity, -.infinity, .nan]
        return (0..<n).map { i in
            if i % 37 == 0 { return specials[(i / 37) % specials.count] }
            return Float.random(in: -0.2...0.2, using: &rng)
        }
    }

    @Test(arguments: [WeightPrecision.f32, .f16, .bf16])
    func mergeThenUndoGivesBackEveryBit(_ kind: WeightPrecision) {
        let n = 300_000  // several blocks and, on two cores, two chunks
        var weight = WeightMatrix(Self.awkwardValues(n, seed: 3), as: kind)
        let before = Self.bits(weight)
        let address = weight.storageAddress
        var rng = SeededGenerator(seed: 9)
        // Deltas from tiny to larger than the weights themselves, both signs.
        var delta = (0..<n).map { i -> Float in
            let magnitude = [Float(1e-9), 1e-4, 1e-2, 0.3, 5][i % 5]
            return Float.random(in: -magnitude...magnitude, using: &rng)
        }
        let record = delta.withUnsafeMutableBufferPointer { weight.mergeInPlace($0.baseAddress!) }
        #expect(weight.storageAddress == address, "merged where it is, not copied")
        #expect(weight.kind == kind, "the stored precision is kept")
        let merged = weight.floats.map { $0 }  // a new array: `floats` of an f32 matrix shares its storage
        let original = WeightMatrix(Self.awkwardValues(n, seed: 3), as: kind).floats
        let expected = WeightMatrix(zip(original, delta).map { $0 + $1 }, as: kind).floats
        #expect(zip(merged, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) },
                "each merged value is w + Δ rounded to the stored precision")
        #expect(record.index == record.index.sorted())
        #expect(record.index.count < n / 2, "only values an undo cannot recompute are recorded (\(record.index.count) of \(n))")
        let recorded = RecordedValues(index: record.index, bits: record.bits, half: kind != .f32)
        #expect(recorded.count == record.index.count)
        var decoded: [(Int, UInt32)] = []
        recorded.forEach { decoded.append(($0, $1)) }
        #expect(decoded.map { UInt32($0.0) } == record.index && decoded.map(\.1) == record.bits, "the compact record decodes to what was recorded")
        delta.withUnsafeMutableBufferPointer { weight.undoInPlace($0.baseAddress!, restoring: recorded) }
        #expect(weight.storageAddress == address)
        #expect(Self.bits(weight) == before, "undo restores every bit")
    }

    @Test func smallDeltasRecordFewValues() {
        // LoRA deltas are small next to the weights they patch: the record stays a few percent.
        let n = 200_000
        var rng = SeededGenerator(seed: 5)
        let values = (0..<n).map { _ in Float.random(in: -0.1...0.1, using: &rng) }
        for kind in [WeightPrecision.f32, .f16, .bf16] {
            var weight = WeightMatrix(values, as: kind)
            var delta = (0..<n).map { _ in Float.random(in: -0.002...0.002, using: &rng) }
            let record = delta.withUnsafeMutableBufferPointer { weight.mergeInPlace($0.baseAddress!) }
            let share = Double(record.index.count) / Double(n)
            #expect(share < 0.1, "\(kind): \(share * 100) % recorded")
        }
    }

    static func request() -> GenerationRequest {
        var r = GenerationRequest(prompt: "a red kettle")
        (r.width, r.height, r.steps, r.seed) = (64, 64, 4, 7)
        return r
    }

    /// Every layer's bits by path (new arrays: holding them keeps no reference to the model).
    static func snapshot(_ p: StableDiffusionPipeline) throws -> [String: [UInt32]] {
        var te = try #require(p.textEncoder as? CLIPTextModel), un = try #require(p.unet as? UNet2DConditionModel)
        var out: [String: [UInt32]] = [:]
        te.visitWeights { path, _, w, b in out["te." + path] = bits(w) + (b ?? []).map(\.bitPattern) }
        if let xl = p.xl {
            var te2 = try #require(xl.textEncoder2 as? CLIPTextModel)
            te2.visitWeights { path, _, w, b in out["te2." + path] = bits(w) + (b ?? []).map(\.bitPattern) }
        }
        un.visitWeights { path, _, w, b in out[path] = bits(w) + (b ?? []).map(\.bitPattern) }
        return out
    }

    static func address(_ p: StableDiffusionPipeline, _ pick: (UNet2DConditionModel) -> WeightMatrix) -> UnsafeRawPointer? {
        (p.unet as? UNet2DConditionModel).map { pick($0).storageAddress } ?? nil
    }

    @Test func aWarmPipelineIsPatchedWithoutACopyAndComesBackBitForBit() throws {
        var pipeline = try StableDiffusionPipeline.load(directory: FixtureFiles.url("pipelines/sd1-tiny"))
        let before = try pipeline.generate(Self.request()).images[0].pixels
        let weightsBefore = try Self.snapshot(pipeline)
        let touched: (UNet2DConditionModel) -> WeightMatrix = { $0.downBlocks[0].attentions[0].blocks[0].attn2.toK.weight }
        let touchedAddress = Self.address(pipeline, touched)
        let kohya = try LoRAFile(path: LoRATests.loraPath("sd1-tiny", "kohya.safetensors"))
        let peft = try LoRAFile(path: LoRATests.loraPath("sd1-tiny", "peft.safetensors"))
        try pipeline.mergeLoRAs([LoRASelection(file: kohya, weight: 0.8), LoRASelection(file: peft, weight: -0.5)], label: "two")
        let record = try #require(pipeline.loraMerge)
        #expect(record.label == "two")
        #expect(record.patchedLayers > 0)
        #expect(Self.address(pipeline, touched) == touchedAddress, "the patched layer is written where it is")
        #expect(try Self.snapshot(pipeline) != weightsBefore)

        // The same image as diffusers' with both adapters (the copy-based path is checked against all cases).
        let c = try #require(LoRATests.cases().first { $0.pipeline == "sd1-tiny" && $0.name == "kohya-0.8+peft--0.5" })
        let image = try pipeline.generate(LoRATests.request(c.json)).images[0].pixels
        let psnr = PipelineImageTests.psnr(image, try PipelineImageTests.bytes("../lora-images/\(c.file)"))
        #expect(psnr >= 40, "PSNR \(psnr) dB against diffusers")

        #expect(try pipeline.unmergeLoRAs(), "the fingerprints match after the undo")
        #expect(pipeline.loraMerge == nil)
        #expect(Self.address(pipeline, touched) == touchedAddress)
        #expect(try Self.snapshot(pipeline) == weightsBefore, "every weight and bias has its original bits")
        #expect(try pipeline.generate(Self.request()).images[0].pixels == before, "the next request without LoRAs is bit-identical")
    }

    @Test func everyFormatUndoesExactlyOnBothPipelines() throws {
        for name in ["sd1-tiny", "sd2-tiny"] {
            var pipeline = try StableDiffusionPipeline.load(directory: FixtureFiles.url("pipelines/\(name)"))
            let weightsBefore = try Self.snapshot(pipeline)
            for format in ["kohya", "locon", "peft", "loha", "lokr", "full"] {
                let file = try LoRAFile(path: LoRATests.loraPath(name, "\(format).safetensors"))
                try pipeline.mergeLoRAs([LoRASelection(file: file, weight: 1.3)], label: format)
                #expect(try Self.snapshot(pipeline) != weightsBefore, "\(name)/\(format) changes weights")
                #expect(try pipeline.unmergeLoRAs())
                #expect(try Self.snapshot(pipeline) == weightsBefore, "\(name)/\(format) undoes exactly")
            }
        }
    }

    @Test func aTamperedWeightIsReportedByTheUndo() throws {
        var pipeline = try StableDiffusionPipeline.load(directory: FixtureFiles.url("pipelines/sd1-tiny"))
        let file = try LoRAFile(path: LoRATests.loraPath("sd1-tiny", "full.safetensors"))  // patches attn2.to_k
        try pipeline.mergeLoRAs([LoRASelection(file: file)], label: "full")
        var un = try #require(pipeline.unet as? UNet2DConditionModel)
        var values = un.downBlocks[0].attentions[0].blocks[0].attn2.toK.weight.floats
        values[0] += 1
        un.downBlocks[0].attentions[0].blocks[0].attn2.toK.weight = WeightMatrix(values)
        pipeline.unet = un
        #expect(try pipeline.unmergeLoRAs() == false, "a restored layer that differs from before the merge is reported")
    }

    @Test func aSecondMergeAndABadFileLeaveThePipelineAsItWas() throws {
        var pipeline = try StableDiffusionPipeline.load(directory: FixtureFiles.url("pipelines/sd1-tiny"))
        let weightsBefore = try Self.snapshot(pipeline)
        let wrongBase = try LoRAFile(path: LoRATests.loraPath("sd2-tiny", "locon.safetensors"))
        #expect { try pipeline.mergeLoRAs([LoRASelection(file: wrongBase)], label: "x") } throws: {
            ["lora.shapeMismatch", "lora.unmapped"].contains(($0 as? EngineError)?.code ?? "")
        }
        #expect(pipeline.loraMerge == nil)
        #expect(try Self.snapshot(pipeline) == weightsBefore, "nothing is half-applied")
        let good = try LoRAFile(path: LoRATests.loraPath("sd1-tiny", "kohya.safetensors"))
        try pipeline.mergeLoRAs([LoRASelection(file: good)], label: "a")
        #expect { try pipeline.mergeLoRAs([LoRASelection(file: good)], label: "b") } throws: {
            ($0 as? EngineError)?.code == "lora.alreadyMerged"
        }
        #expect(pipeline.loraMerge?.label == "a")
        #expect(try pipeline.unmergeLoRAs())
        #expect(try Self.snapshot(pipeline) == weightsBefore)
    }

    @Test func aCopyIsPatchedWhileTheOriginalKeepsItsWeights() throws {
        let base = try StableDiffusionPipeline.load(directory: FixtureFiles.url("pipelines/sd1-tiny"))
        let weightsBefore = try Self.snapshot(base)
        var copy = base
        let file = try LoRAFile(path: LoRATests.loraPath("sd1-tiny", "locon.safetensors"))
        try copy.mergeLoRAs([LoRASelection(file: file)], label: "copy")
        #expect(try Self.snapshot(base) == weightsBefore, "another holder of the weights never sees the merge")
        #expect(try Self.snapshot(copy) != weightsBefore)
    }
}

/// The side-product strategy (`y = W·x + s·up(down(x))`, benchmarked beside merging): same images as
/// diffusers, no weight written.
@Suite struct LoRASideProductTests {
    @Test(arguments: ["sd1-tiny/kohya-1", "sd1-tiny/locon-0.7", "sd1-tiny/peft-1", "sd2-tiny/kohya-0.8+peft--0.5", "sd2-tiny/locon-0.7"])
    func sideProductsGiveDiffusersImages(_ name: String) throws {
        let c = try #require(LoRATests.cases().first { "\($0.pipeline)/\($0.name)" == name })
        let base = try PipelineImageTests.loaded.pipeline(c.pipeline)
        let weightsBefore = try LoRAInPlaceTests.snapshot(base)
        let selections = try c.loras.map { LoRASelection(file: try LoRAFile(path: LoRATests.loraPath(c.pipeline, $0.file)), weight: $0.weight) }
        let side = try base.withLoRASideProducts(selections)
        #expect(try LoRAInPlaceTests.snapshot(side) == weightsBefore, "no weight value is changed")
        let image = try side.generate(LoRATests.request(c.json)).images[0].pixels
        let psnr = PipelineImageTests.psnr(image, try PipelineImageTests.bytes("../lora-images/\(c.file)"))
        #expect(psnr >= 40, "\(name): PSNR \(psnr) dB")
    }

    @Test func updatesWithoutALowRankFormAreRefused() throws {
        let base = try PipelineImageTests.loaded.pipeline("sd1-tiny")
        let loha = try LoRAFile(path: LoRATests.loraPath("sd1-tiny", "loha.safetensors"))
        #expect { try base.withLoRASideProducts([LoRASelection(file: loha)]) } throws: { ($0 as? EngineError)?.code == "lora.unsupported" }
    }
}

/// SplitMix64: reproducible test data.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// kohya files that name UNet layers in the original (LDM) layout, as kohya writes SDXL LoRAs and
/// early SD 1.x ones did: `lora_unet_input_blocks_1_1_proj_in` instead of `…down_blocks_0_attentions_0_proj_in`.
@Suite struct LoRAOriginalNamesTests {
    /// The original-layout name of an underscored diffusers UNet module of a UNet with `l` resnets per
    /// down level (the inverse of the engine's renaming, written out independently for the test).
    static func original(_ name: String, l: Int, upBlocksWithAttention: Set<Int>) -> String {
        let p = name.split(separator: "_").map(String.init)
        func resnet(_ rest: [String]) -> String {
            let r = rest.joined(separator: "_")
            return ["conv1": "in_layers_2", "conv2": "out_layers_3", "time_emb_proj": "emb_layers_1",
                    "conv_shortcut": "skip_connection"][r] ?? r
        }
        if p.starts(with: ["down", "blocks"]) {
            let i = Int(p[2])!, kind = p[3]
            if kind == "downsamplers" { return "input_blocks_\((i + 1) * (l + 1))_0_op" }
            let j = Int(p[4])!, rest = Array(p[5...])
            let block = 1 + i * (l + 1) + j
            return kind == "resnets" ? "input_blocks_\(block)_0_\(resnet(rest))" : "input_blocks_\(block)_1_" + rest.joined(separator: "_")
        }
        if p.starts(with: ["mid", "block"]) {
            let kind = p[2], j = Int(p[3])!, rest = Array(p[4...])
            return kind == "resnets" ? "middle_block_\(2 * j)_\(resnet(rest))" : "middle_block_1_" + rest.joined(separator: "_")
        }
        precondition(p.starts(with: ["up", "blocks"]), name)
        let i = Int(p[2])!, kind = p[3]
        if kind == "upsamplers" { return "output_blocks_\(i * (l + 1) + l)_\(upBlocksWithAttention.contains(i) ? 2 : 1)_conv" }
        let j = Int(p[4])!, rest = Array(p[5...])
        let block = i * (l + 1) + j
        return kind == "resnets" ? "output_blocks_\(block)_0_\(resnet(rest))" : "output_blocks_\(block)_1_" + rest.joined(separator: "_")
    }

    @Test func anOriginalLayoutKohyaFileMergesExactlyLikeTheDiffusersNamedOne() throws {
        let source = LoRATests.loraPath("sd1-tiny", "locon.safetensors")  // resnets, samplers, attention, mid block
        let file = try SafeTensorsFile(path: source)
        var renamed: [String: Tensor] = [:]
        for key in file.names {
            let stem = key.hasSuffix(".alpha") ? String(key.dropLast(".alpha".count))
                : String(key.split(separator: ".").first!)
            let suffix = String(key.dropFirst(stem.count))
            var newStem = stem
            if stem.hasPrefix("lora_unet_") {
                newStem = "lora_unet_" + Self.original(String(stem.dropFirst("lora_unet_".count)), l: 1, upBlocksWithAttention: [1])
            }
            renamed[newStem + suffix] = try file.tensor(named: key)
        }
        #expect(renamed.keys.contains { $0.hasPrefix("lora_unet_input_blocks_") } && renamed.keys.contains { $0.hasPrefix("lora_unet_output_blocks_") })
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-ldm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("locon-ldm.safetensors").path
        try SafeTensorsWriter.write(renamed, metadata: file.metadata, to: path)

        let base = try StableDiffusionPipeline.load(directory: FixtureFiles.url("pipelines/sd1-tiny"))
        let viaDiffusersNames = try base.applyingLoRAs([LoRASelection(file: try LoRAFile(path: source), weight: 0.7)])
        let viaOriginalNames = try base.applyingLoRAs([LoRASelection(file: try LoRAFile(path: path), weight: 0.7)])
        #expect(viaOriginalNames.loraMerge?.patchedLayers == viaDiffusersNames.loraMerge?.patchedLayers)
        #expect(try LoRAInPlaceTests.snapshot(viaOriginalNames) == LoRAInPlaceTests.snapshot(viaDiffusersNames),
                "the same layers get the same values")
    }

    @Test func originalNamesAreRenamedLikeSingleFileCheckpoints() {
        let cases: [(String, String)] = [
            ("input_blocks_4_1_transformer_blocks_0_attn1_to_q", "down_blocks.1.attentions.0.transformer_blocks_0_attn1_to_q"),
            ("input_blocks_1_0_in_layers_2", "down_blocks.0.resnets.0.conv1"),
            ("input_blocks_3_0_op", "down_blocks.0.downsamplers.0.conv"),
            ("middle_block_2_emb_layers_1", "mid_block.resnets.1.time_emb_proj"),
            ("output_blocks_5_2_conv", "up_blocks.1.upsamplers.0.conv"),
            ("output_blocks_3_0_skip_connection", "up_blocks.1.resnets.0.conv_shortcut"),
            ("time_embed_2", "time_embedding.linear_2"),
            ("label_emb_0_2", "add_embedding.linear_2"),
        ]
        for (original, diffusers) in cases {
            #expect(LoRAMerger.diffusersName(ofOriginal: original, layersPerBlock: 2) == diffusers, "\(original)")
        }
        #expect(LoRAMerger.diffusersName(ofOriginal: "down_blocks_0_resnets_0_conv1", layersPerBlock: 2) == nil)
        #expect(LoRAMerger.diffusersName(ofOriginal: "input_blocks_x_0_op", layersPerBlock: 2) == nil)
    }
}

/// SDXL LoRAs as kohya writes them (original-layout UNet names, `lora_te1_` / `lora_te2_`), against
/// diffusers' `load_lora_weights` (Scripts/fixtures/make_sdxl_lora_fixtures.py).
@Suite struct SDXLLoRATests {
    static func fixture() throws -> [String: String] {
        let root = try #require(try FixtureFiles.json("lora-images/sdxl-index.json") as? [String: Any])
        let c = try #require((root["cases"] as? [[String: Any]])?.first)
        return c.mapValues { "\($0)" }
    }

    @Test func aKohyaSDXLLoRAMatchesDiffusersAndUndoesExactly() throws {
        let j = try Self.fixture()
        var pipeline = try StableDiffusionPipeline.load(path: SDXLTests.folder)
        var r = GenerationRequest(prompt: j["prompt"] ?? "")
        r.negativePrompt = j["negative_prompt"] ?? ""
        (r.width, r.height, r.steps) = (Int(j["width"] ?? "") ?? 0, Int(j["height"] ?? "") ?? 0, Int(j["steps"] ?? "") ?? 0)
        r.guidanceScale = Float(j["guidance"] ?? "") ?? -1
        r.seed = UInt64(j["seed"] ?? "") ?? 0
        r.scheduler = SchedulerKind(rawValue: j["scheduler"] ?? "")
        r.timestepSpacing = j["spacing"].flatMap(TimestepSpacing.init(rawValue:))
        let before = try pipeline.generate(r).images[0].pixels
        let weightsBefore = try LoRAInPlaceTests.snapshot(pipeline)
        #expect(weightsBefore.keys.contains { $0.hasPrefix("te2.") })

        let file = try LoRAFile(path: FixtureFiles.url("loras/sdxl-tiny/kohya.safetensors").path)
        #expect(file.summary.baseFamily == "sdxl")
        try pipeline.validateLoRAs([LoRASelection(file: file)])
        try pipeline.mergeLoRAs([LoRASelection(file: file, weight: 0.8)], label: "sdxl")
        let record = try #require(pipeline.loraMerge)
        #expect(record.patchedLayers == 204, "168 UNet layers (original names), 18 in each text encoder")
        #expect(pipeline.xl != nil, "the SDXL conditioning stays")
        let image = try pipeline.generate(r).images[0].pixels
        let expected = [UInt8](try Data(contentsOf: FixtureFiles.url("lora-images/\(j["file"] ?? "")")))
        let psnr = PipelineImageTests.psnr(image, expected)
        #expect(psnr >= 40, "PSNR \(psnr) dB against diffusers")
        #expect(PipelineImageTests.psnr(before, expected) < 30, "the LoRA changes the image")

        #expect(try pipeline.unmergeLoRAs())
        #expect(try LoRAInPlaceTests.snapshot(pipeline) == weightsBefore)
        #expect(try pipeline.generate(r).images[0].pixels == before)
    }

    @Test func anSD1LoRAOnSDXLIsRefusedNamingTheKey() throws {
        let pipeline = try StableDiffusionPipeline.load(path: SDXLTests.folder)
        let sd1 = try LoRAFile(path: LoRATests.loraPath("sd1-tiny", "kohya.safetensors"))
        let error = #expect(throws: EngineError.self) { try pipeline.validateLoRAs([LoRASelection(file: sd1)]) }
        #expect(["lora.shapeMismatch", "lora.unmapped"].contains(error?.code ?? ""), "\(error?.code ?? "")")
        #expect(error?.cause?.contains("first offending key") == true)
    }
}
