// `artfactory-bench-engine lora DIR [--runs N]` (driven by Scripts/bench-lora): on the random-weight
// SD 1.5 folder of `sd15_bench.py make`, times parsing `DIR/lora-r32.safetensors`, merging it into the
// warm weights in place (as the daemon does) and undoing that, and one UNet step (2 × 4 × 32 × 32
// latents, 77 tokens) without and with the LoRA, in RUNS interleaved rounds (step, merge, step, undo);
// checks every step after an undo is bit-identical to the first; reports RSS at each stage and what
// the undo record holds; writes swift-lora.json.
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
    start = now()
    let file = try LoRAFile(path: dir + "/lora-r32.safetensors")
    result["parse_lora_s"] = now() - start
    result["lora_rank"] = file.summary.rank ?? 0
    result["lora_layers"] = file.summary.modules["unet"] ?? 0
    result["rss_parsed_mib"] = currentRSSMiB()
    var pipeline = base  // the only holder once `base` is dropped: merged where it is, as in the daemon
    _ = consume base
    // Rounds of: a step without the LoRA, merge, a step with it, undo. Interleaving keeps the machine's
    // drift (turbo, neighbours) out of the per-step comparison.
    var baseSteps: [Double] = [], loraSteps: [Double] = [], applies: [Double] = [], undos: [Double] = []
    var identical = true, changes = true, intact = true
    var mergedOutput = Tensor(shape: [1])
    for round in 0..<max(1, runs) {
        var t = now()
        let out = try step(pipeline)
        baseSteps.append(now() - t)
        if round == 0 { before = out } else if out != before { identical = false }
        let rssBeforeMerge = currentRSSMiB()
        t = now()
        try pipeline.mergeLoRAs([LoRASelection(file: file, weight: 1)], label: "r32")
        applies.append(now() - t)
        if round == 0 {
            result["rss_applied_mib"] = currentRSSMiB()
            result["rss_added_by_apply_mib"] = currentRSSMiB() - rssBeforeMerge
            if let record = pipeline.loraMerge {
                result["patched_layers"] = record.patchedLayers
                result["patched_values"] = record.patchedValues
                result["recorded_values"] = record.recordedValues
                result["undo_record_mib"] = Double(record.undoBytes) / 1_048_576
            }
        }
        t = now()
        let with = try step(pipeline)
        loraSteps.append(now() - t)
        mergedOutput = with
        if with == before { changes = false }
        t = now()
        if try !pipeline.unmergeLoRAs() { intact = false }
        undos.append(now() - t)
        if round == 0 { result["rss_removed_mib"] = currentRSSMiB() }
    }
    func mid(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
    result["steps_base_s"] = baseSteps
    result["steps_lora_s"] = loraSteps
    result["applies_s"] = applies
    result["undos_s"] = undos
    result["step_base_s"] = mid(baseSteps)
    result["step_lora_s"] = mid(loraSteps)
    result["apply_s"] = mid(applies)
    result["apply_first_s"] = applies[0]
    result["remove_s"] = mid(undos)
    result["undo_fingerprints_match"] = intact
    // The other strategy, in this engine: the LoRA as low-rank side products in every patched layer
    // (no weight written; each step pays the extra products). Interleaved with base steps again.
    let side = try pipeline.withLoRASideProducts([LoRASelection(file: file, weight: 1)])
    var sideBase: [Double] = [], sideSteps: [Double] = []
    for _ in 0..<max(1, runs) {
        var t = now()
        _ = try step(pipeline)
        sideBase.append(now() - t)
        t = now()
        _ = try step(side)
        sideSteps.append(now() - t)
    }
    // Same function as the merged UNet up to rounding (the merged weights are rounded to f16).
    let diff = zip(try step(side).data, mergedOutput.data).map { abs($0 - $1) }.max() ?? 0
    result["steps_side_base_s"] = sideBase
    result["steps_side_s"] = sideSteps
    result["step_side_base_s"] = mid(sideBase)
    result["step_side_s"] = mid(sideSteps)
    // The fastest of the rounds: the least disturbed estimate of each step's own cost on a noisy machine.
    result["fastest_step_base_s"] = baseSteps.min() ?? 0
    result["fastest_step_lora_s"] = loraSteps.min() ?? 0
    result["fastest_step_side_base_s"] = sideBase.min() ?? 0
    result["fastest_step_side_s"] = sideSteps.min() ?? 0
    result["side_max_abs_diff_vs_merged"] = Double(diff)
    let last = try step(pipeline)
    result["after_bit_identical"] = identical && last == before
    result["lora_changes_output"] = changes
    result["peak_rss_mib"] = peakRSSMiB()
    result["blas_core"] = BLAS.coreName
    let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: dir + "/swift-lora.json"))
    print(String(decoding: data, as: UTF8.self))
}
