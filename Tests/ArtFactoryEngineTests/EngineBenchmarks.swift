import Foundation
import Testing
@testable import ArtFactoryEngine

/// The SD 1.5-size benchmark driven by Scripts/bench-engine; skipped unless ARTFACTORY_BENCH_DIR
/// names a folder made by `Scripts/bench/sd15_bench.py make`. Writes `swift.json` there.
@Suite struct EngineBenchmarks {
    static let directory = ProcessInfo.processInfo.environment["ARTFACTORY_BENCH_DIR"]

    static func median(_ runs: Int, _ body: () throws -> Void) rethrows -> (median: Double, all: [Double]) {
        var times: [Double] = []
        for _ in 0..<max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let sorted = times.sorted()
        return (sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2, times)
    }

    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func sgemmGFLOPs(size n: Int = 2048) -> Double {
        let a = [Float](repeating: 0.5, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        let t = median(5) {
            a.withUnsafeBufferPointer { ap in
                c.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(m: n, n: n, k: n, a: ap.baseAddress!, lda: n, b: ap.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                }
            }
        }
        return 2 * Double(n * n * n) / t.median / 1e9
    }

    @Test(.enabled(if: directory != nil)) func stableDiffusion15Benchmark() throws {
        let dir = try #require(Self.directory)
        let runs = Int(ProcessInfo.processInfo.environment["ARTFACTORY_BENCH_RUNS"] ?? "") ?? 3
        var result: [String: Any] = ["blas_core": BLAS.coreName, "blas_threads": BLAS.threadCount,
                                     "coretype_env": ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? ""]
        result["sgemm_gflops"] = Self.sgemmGFLOPs()
        let rssBefore = Self.peakRSSMiB()
        var start = DispatchTime.now().uptimeNanoseconds
        let models = try StableDiffusionModels.load(from: dir)
        result["load_cold_s"] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        result["weights_mib"] = Double(models.byteCount) / 1048576
        let inputs = try SafeTensorsFile(path: dir + "/inputs.safetensors")
        let sample = try inputs.tensor(named: "sample"), context = try inputs.tensor(named: "context")
        var unetOut = Tensor(shape: [0])
        let unet = try Self.median(runs) { unetOut = try models.unet.predict(sample: sample, timestep: 500, context: context) }
        result["unet_s"] = unet.median
        result["unet_runs"] = unet.all
        let latents = try inputs.tensor(named: "latents")
        var image = Tensor(shape: [0])
        let vae = try Self.median(runs) { image = try models.vae.decode(latents: latents) }
        result["vae_decode_s"] = vae.median
        let ids = try inputs.tensor(named: "ids")
        let rows = (0..<2).map { r in (0..<77).map { Int32(ids.data[r * 77 + $0]) } }
        var hidden = Tensor(shape: [0])
        let text = try Self.median(runs) { hidden = try models.textEncoder.encode(tokenIDs: rows, clipSkip: 1) }
        result["text_s"] = text.median
        if let flops = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/flops.json")))) as? [String: Any],
           let total = flops["unet_forward_flops"] as? Double {
            result["unet_gflops_per_s"] = total / unet.median / 1e9
        }
        if let reference = try? SafeTensorsFile(path: dir + "/torch-outputs.safetensors") {
            result["unet_rel_error_vs_torch"] = Double(unetOut.relativeError(to: try reference.tensor(named: "unet")))
            result["vae_rel_error_vs_torch"] = Double(image.relativeError(to: try reference.tensor(named: "vae")))
            result["text_rel_error_vs_torch"] = Double(hidden.relativeError(to: try reference.tensor(named: "text")))
        }
        result["peak_rss_mib"] = Self.peakRSSMiB()
        // A second load with the page cache warm (the cache-less cost of switching models back).
        start = DispatchTime.now().uptimeNanoseconds
        _ = try StableDiffusionModels.load(from: dir)
        result["load_second_s"] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        result["rss_before_load_mib"] = rssBefore
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .prettyPrinted])
        try json.write(to: URL(fileURLWithPath: dir + "/swift.json"))
        print(String(decoding: json, as: UTF8.self))
        #expect(unetOut.shape == [2, 4, 64, 64])
    }
}
