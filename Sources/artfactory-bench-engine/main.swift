// The SD 1.5-size engine benchmark driven by Scripts/bench-engine: loads a folder made by
// `Scripts/bench/sd15_bench.py make`, times the UNet forward, VAE decode and text encoder, checks the
// results against torch's outputs on the same inputs, and writes `swift.json` there.
//   artfactory-bench-engine DIR [--runs N] [--parts unet,vae,text,generate | turbo | xl-unet | xl-vae | xl-text] [--steps N] [--out FILE]
// `generate` times one whole 512x512 text-to-image generation (DDIM, guidance 7.5, seed 0) through
// StableDiffusionPipeline, as `sd15_bench.py generate` does with diffusers, and compares the images.
// A release-mode executable (not a test) so that it builds in a minute and links only the engine.
import ArtFactoryEngine
import CBLAS
import Foundation

struct Options {
    var directory = ""
    var runs = 3
    var parts: Set<String> = ["unet", "vae", "text"]
    var output: String?
    var steps = 20
    var precision = ComputePath.f32
    var weights = WeightPolicy.asStored
    var size = 512

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var rest = arguments.dropFirst()[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--runs": guard let v = rest.popFirst().flatMap(Int.init), v > 0 else { return nil }; options.runs = v
            case "--parts": guard let v = rest.popFirst() else { return nil }
                options.parts = Set(v.split(separator: ",").map(String.init))
                guard options.parts.isSubset(of: ["unet", "vae", "text", "generate", "turbo", "xl-unet", "xl-vae", "xl-text"]), !options.parts.isEmpty else { return nil }
            case "--steps": guard let v = rest.popFirst().flatMap(Int.init), v > 0 else { return nil }; options.steps = v
            case "--out": options.output = rest.popFirst()
            case "--precision": guard let v = rest.popFirst().flatMap(ComputePath.init(rawValue:)) else { return nil }; options.precision = v
            case "--weights": guard let v = rest.popFirst().flatMap(WeightPolicy.init(rawValue:)) else { return nil }; options.weights = v
            case "--size": guard let v = rest.popFirst().flatMap(Int.init), v >= 64, v % 64 == 0 else { return nil }; options.size = v
            case "-h", "--help": return nil
            default:
                guard options.directory.isEmpty, !argument.hasPrefix("-") else { return nil }
                options.directory = argument
            }
        }
        return options.directory.isEmpty ? nil : options
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func median(_ runs: Int, _ body: () throws -> Void) rethrows -> (median: Double, all: [Double]) {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = now()
        try body()
        times.append(now() - start)
    }
    let s = times.sorted()
    return (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2, times)
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// sgemm 2048³ in this process, with the same OpenBLAS threads the engine uses.
func sgemmGFLOPs(size n: Int = 2048) -> Double {
    let a = [Float](repeating: 0.5, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    let t = median(5) {
        a.withUnsafeBufferPointer { ap in
            c.withUnsafeMutableBufferPointer { cp in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                            ap.baseAddress, Int32(n), ap.baseAddress, Int32(n), 0, cp.baseAddress, Int32(n))
            }
        }
    }
    return 2 * Double(n * n * n) / t.median / 1e9
}

// As the daemon does: OpenBLAS's kernel and a passive OpenMP wait policy, set by re-executing once.
if ProcessInfo.processInfo.environment["ARTFACTORY_NO_BLAS_TUNING"] == nil { BLASRuntime.reexecWithFastKernelIfNeeded() }

if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "ops" {
    // `ops [conv,linear,attention]`: the per-op table, or only the named kinds of op.
    let sections = CommandLine.arguments.count > 2 ? Set(CommandLine.arguments[2].split(separator: ",").map(String.init)) : nil
    if let sections { PrecisionBenchmark.run(sections: sections) } else { PrecisionBenchmark.run() }
    exit(0)
}

if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "lora" {
    do { try runLoRABench(Array(CommandLine.arguments.dropFirst(2))) } catch {
        FileHandle.standardError.write(Data("artfactory-bench-engine lora: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}

guard let options = Options.parse(CommandLine.arguments) else {
    FileHandle.standardError.write(Data("usage: artfactory-bench-engine DIR [--runs N] [--parts unet,vae,text,generate | turbo | xl-unet | xl-vae | xl-text] [--steps N] [--size PX] [--precision f32|bf16|int8] [--weights as-stored|bf16|f32] [--out FILE]\n".utf8))
    exit(2)
}

if options.precision == .bf16 && !EnginePrecision.bf16Supported {
    FileHandle.standardError.write(Data("artfactory-bench-engine: bf16 is not available here: \(EnginePrecision.bf16Unavailability ?? "")\n".utf8))
    exit(3)
}
if options.precision == .int8 && !EnginePrecision.int8Supported {
    FileHandle.standardError.write(Data("artfactory-bench-engine: int8 is not available here: \(EnginePrecision.int8Unavailability ?? "")\n".utf8))
    exit(3)
}

do { try EnginePrecision.withCompute(options.precision) {
    let dir = options.directory
    var result: [String: Any] = ["blas_core": BLAS.coreName, "blas_threads": BLAS.threadCount,
                                 "coretype_env": ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "",
                                 "runs": options.runs, "precision": options.precision.rawValue,
                                 "weights": options.weights.rawValue, "cpu_flags": EnginePrecision.cpuFlags]
    result["sgemm_gflops"] = sgemmGFLOPs()
    result["rss_before_load_mib"] = peakRSSMiB()
    var start = now()
    if options.parts.count == 1, let part = options.parts.first, part.hasPrefix("xl-") {
        result.merge(try SDXLBench.run(part: part, dir: dir, runs: options.runs, weights: options.weights)) { $1 }
        result["part"] = part
        let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
        if let output = options.output { try data.write(to: URL(fileURLWithPath: output)) }
        return
    }
    if options.parts == ["turbo"] {
        // A few-step draft as the daemon runs it (Scripts/bench-turbo's folders): 1 step, no guidance,
        // decoded by the tiny decoder in DIR/../taesd-bench; per-stage times of each image.
        var pipeline = try StableDiffusionPipeline.load(path: dir)
        pipeline.tinyDecoder = try AutoencoderTiny(path: (dir as NSString).deletingLastPathComponent + "/taesd-bench")
        var request = GenerationRequest(prompt: "a lighthouse on a cliff at dusk, flat vector illustration")
        (request.steps, request.guidanceScale, request.width, request.height) = (1, 0, options.size, options.size)
        request.timestepSpacing = .trailing
        request.decoder = .tiny
        request.precision = Precision(rawValue: options.precision.rawValue) ?? .f32
        var stages: [[String: Double]] = []
        for run in 0..<options.runs {
            request.seed = UInt64(run)
            start = now()
            let generated = try pipeline.generate(request)
            stages.append(["total": now() - start, "text": generated.timings.textEncode, "denoise": generated.timings.denoise,
                           "decode": generated.timings.decode])
            print(String(format: "turbo image %d: %.2f s (text %.2f, denoise %.2f, decode %.2f)", run, stages.last!["total"]!,
                         generated.timings.textEncode, generated.timings.denoise, generated.timings.decode))
        }
        result["turbo_images"] = stages
        let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
        if let output = options.output { try data.write(to: URL(fileURLWithPath: output)) }
        return
    }
    let models = try EnginePrecision.withWeights(options.weights) { try StableDiffusionModels.load(from: dir) }
    result["load_cold_s"] = now() - start
    result["weights_mib"] = Double(models.byteCount) / 1048576
    let inputs = try SafeTensorsFile(path: dir + "/inputs.safetensors")
    let reference = try? SafeTensorsFile(path: dir + "/torch-outputs.safetensors")
    if options.parts.contains("unet") {
        let sample = try inputs.tensor(named: "sample"), context = try inputs.tensor(named: "context")
        var out = Tensor(shape: [0])
        let t = try median(options.runs) { out = try models.unet.predict(sample: sample, timestep: 500, context: context) }
        result["unet_s"] = t.median
        result["unet_runs"] = t.all
        if let data = try? Data(contentsOf: URL(fileURLWithPath: dir + "/flops.json")),
           let flops = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
           let total = flops["unet_forward_flops"] as? Double {
            result["unet_gflops_per_s"] = total / t.median / 1e9
        }
        if let reference { result["unet_rel_error_vs_torch"] = Double(out.relativeError(to: try reference.tensor(named: "unet"))) }
        if let fp32 = try? SafeTensorsFile(path: dir + "/torch-precision-outputs.safetensors") {
            result["unet_rel_error_vs_torch_fp32"] = Double(out.relativeError(to: try fp32.tensor(named: "fp32")))
        }
        print(String(format: "UNet forward: median %.2f s of %@", t.median, t.all.map { String(format: "%.2f", $0) }.joined(separator: ", ")))
    }
    if options.parts.contains("vae") {
        let latents = try inputs.tensor(named: "latents")
        var image = Tensor(shape: [0])
        let t = try median(options.runs) { image = try models.vae.decode(latents: latents) }
        result["vae_decode_s"] = t.median
        result["vae_runs"] = t.all
        if let reference { result["vae_rel_error_vs_torch"] = Double(image.relativeError(to: try reference.tensor(named: "vae"))) }
        print(String(format: "VAE decode: median %.2f s", t.median))
    }
    if options.parts.contains("text") {
        let ids = try inputs.tensor(named: "ids")
        let rows = (0..<2).map { r in (0..<77).map { Int32(ids.data[r * 77 + $0]) } }
        var hidden = Tensor(shape: [0])
        let t = try median(options.runs) { hidden = try models.textEncoder.encode(tokenIDs: rows, clipSkip: 1) }
        result["text_s"] = t.median
        if let reference { result["text_rel_error_vs_torch"] = Double(hidden.relativeError(to: try reference.tensor(named: "text"))) }
        print(String(format: "text encoder: median %.3f s", t.median))
    }
    if options.parts.contains("generate") {
        start = now()
        let pipeline = try EnginePrecision.withWeights(options.weights) { try StableDiffusionPipeline.load(path: dir) }
        result["generate_load_s"] = now() - start
        var request = GenerationRequest(prompt: "a photograph of an astronaut riding a horse")
        request.steps = options.steps
        request.guidanceScale = 7.5
        request.seed = 0
        request.width = options.size
        request.height = options.size
        request.precision = Precision(rawValue: options.precision.rawValue) ?? .f32
        start = now()
        let generated = try pipeline.generate(request)
        let seconds = now() - start
        result["generate_s"] = seconds
        result["generate_steps"] = options.steps
        result["generate_stages_s"] = ["text": generated.timings.textEncode, "denoise": generated.timings.denoise,
                                       "decode": generated.timings.decode]
        let pixels = generated.images[0].pixels
        try Data(pixels).write(to: URL(fileURLWithPath: dir + "/swift-generate.rgb"))
        result["generate_size"] = options.size
        if let torchPixels = try? Data(contentsOf: URL(fileURLWithPath: dir + "/torch-generate-\(options.size)-\(options.steps).rgb")),
           torchPixels.count == pixels.count {
            var squared = 0.0
            for (a, b) in zip(pixels, torchPixels) { let d = Double(a) - Double(b); squared += d * d }
            let mse = squared / Double(pixels.count)
            result["generate_psnr_vs_torch_db"] = mse == 0 ? 99.0 : 10 * log10(255 * 255 / mse)
        }
        print(String(format: "generation (%d steps): %.1f s", options.steps, seconds))
    }
    result["peak_rss_mib"] = peakRSSMiB()
    // A second load with the page cache warm: the cost of switching back to an evicted model.
    start = now()
    _ = try EnginePrecision.withWeights(options.weights) { try StableDiffusionModels.load(from: dir) }
    result["load_second_s"] = now() - start
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .prettyPrinted])
    try json.write(to: URL(fileURLWithPath: options.output ?? dir + "/swift.json"))
    print(String(decoding: json, as: UTF8.self))
} } catch {
    FileHandle.standardError.write(Data("artfactory-bench-engine: \(error)\n".utf8))
    exit(1)
}
