// `artfactory-bench-engine lora DIR [--runs N]` (driven by Scripts/bench-lora): on the random-weight
// SD 1.5 folder of `sd15_bench.py make`, times parsing and applying `DIR/lora-r32.safetensors`,
// dropping it again, and one UNet step (2 × 4 × 32 × 32 latents, 77 tokens) without, with and after
// the LoRA; checks the step after removal is bit-identical to the one before; writes swift-lora.json.
import ArtFactoryEngine
import Foundation

/// Resident set now (not the peak), from /proc/self/statm.
func currentRSSMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

func runLoRABench(_ arguments: [String]) throws {
    guard let dir = arguments.first(where: { !$0.hasPrefix("-") && Int($0) == nil }) else {
        FileHandle.standardError.write(Data("usage: artfactory-bench-engine lora DIR [--runs N]\n".utf8))
        exit(2)
    }
    let runs = arguments.firstIndex(of: "--runs").flatMap { i in i + 1 < arguments.count ? Int(arguments[i + 1]) : nil } ?? 3
    var result: [String: Any] = ["runs": runs]
    var start = now()
    let base = try StableDiffusionPipeline.load(path: dir)
    result["load_model_s"] = now() - start
    result["rss_model_mib"] = currentRSSMiB()
    var sample = Tensor(shape: [2, 4, 32, 32]), context = Tensor(shape: [2, 77, 768])
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2000 - 1000) / 1000
    }
    for i in sample.data.indices { sample.data[i] = next() }
    for i in context.data.indices { context.data[i] = next() }
    func step(_ p: StableDiffusionPipeline) throws -> Tensor { try p.unet.predict(sample: sample, timestep: 500, context: context) }
    var before = Tensor(shape: [1])
    result["step_base_s"] = try median(runs) { before = try step(base) }.median
    start = now()
    let file = try LoRAFile(path: dir + "/lora-r32.safetensors")
    result["parse_lora_s"] = now() - start
    result["lora_rank"] = file.summary.rank ?? 0
    result["lora_layers"] = file.summary.modules["unet"] ?? 0
    result["rss_parsed_mib"] = currentRSSMiB()
    var patched: StableDiffusionPipeline? = nil
    result["apply_s"] = try median(1) { patched = try base.applyingLoRAs([LoRASelection(file: file, weight: 1)]) }.median
    result["rss_applied_mib"] = currentRSSMiB()
    var with = Tensor(shape: [1])
    result["step_lora_s"] = try median(runs) { with = try step(patched!) }.median
    start = now()
    patched = nil
    result["remove_s"] = now() - start
    result["rss_removed_mib"] = currentRSSMiB()
    var after = Tensor(shape: [1])
    result["step_after_s"] = try median(runs) { after = try step(base) }.median
    result["after_bit_identical"] = after == before
    result["lora_changes_output"] = with != before
    result["peak_rss_mib"] = peakRSSMiB()
    result["blas_core"] = BLAS.coreName
    let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: dir + "/swift-lora.json"))
    print(String(decoding: data, as: UTF8.self))
}
